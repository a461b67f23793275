"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(f"{MEASURE}.mortgage", MEASURE, "车辆{plate}已由{lender}办理抵押登记。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.release", MEASURE, "车辆{plate}已由{lender}办理解除抵押登记。", "APP"
    ),
]
