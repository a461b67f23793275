"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.issued", MEASURE, "您的电子驾驶证已签发，可在交管12123 App中出示。", "APP"
    ),
    NoticeTemplate(f"{MEASURE}.rejected", MEASURE, "您的电子驾驶证申领未通过：{note}", "APP"),
    NoticeTemplate(
        f"{MEASURE}.withdrawn", MEASURE, "您已撤回电子驾驶证申领（业务编号{application}）。", "APP"
    ),
]
