"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(f"{MEASURE}.mortgage", MEASURE, "车辆{plate}已由{lender}办理抵押登记。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.release", MEASURE, "车辆{plate}已由{lender}办理解除抵押登记。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.dispute_raised",
        MEASURE,
        "车辆{plate}的所有人对{lender}办理的抵押登记提出异议：{reason}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.dispute_decided",
        MEASURE,
        "对车辆{plate}抵押登记的异议已处理：{outcome}。{note}",
        "APP",
    ),
]
