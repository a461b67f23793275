"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.exchanged",
        MEASURE,
        "您的军队（武警）驾驶证换领地方驾驶证已办结，初次领证日期{first_issue}，驾龄连续计算。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.rejected",
        MEASURE,
        "您的军队（武警）驾驶证换领业务经人工核查未予办理：{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.withdrawn",
        MEASURE,
        "您已撤回军队（武警）驾驶证换领申请（业务编号{application}）。",
        "APP",
    ),
]
