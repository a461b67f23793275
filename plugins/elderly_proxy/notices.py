"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.reviewed",
        MEASURE,
        "您代老人办理的{business}申请{application}已审核：{decision}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.handled", MEASURE, "您的亲属已代您办理{business}（申请{application}）。", "APP"
    ),
]
