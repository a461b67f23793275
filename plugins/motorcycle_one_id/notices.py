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
    NoticeTemplate(
        f"{MEASURE}.withdrawn", MEASURE, "您的摩托车登记申请{application}已撤回。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.cancelled",
        MEASURE,
        "您的摩托车登记申请{application}已被车辆管理所取消，原因：{reason}。可重新申请。",
        "APP",
    ),
]
