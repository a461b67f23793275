"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.issued", MEASURE, "车辆{plate}的货车通行证已核发，有效期至{until}。", "APP"
    ),
    NoticeTemplate(f"{MEASURE}.rejected", MEASURE, "您的货车通行证申请未通过。", "APP"),
]
