"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(f"{MEASURE}.certificate", MEASURE, "车辆已注销，注销证明编号{number}。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.scrap_deadline",
        MEASURE,
        "您的车辆{plate}将于{deadline}达到强制报废期限，请及时交售报废。",
        "SMS",
    ),
]
