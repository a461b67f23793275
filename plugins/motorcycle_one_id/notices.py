"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.reviewed", MEASURE, "您的摩托车登记申请{application}已审核：{status}。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.completed",
        MEASURE,
        "您的摩托车登记申请{application}已办结，号牌{plate}。",
        "APP",
    ),
]
