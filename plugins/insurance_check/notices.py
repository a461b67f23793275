"""The notices M11 sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.failure_reported",
        MEASURE,
        "交强险在线核查失败（{outcome}）：车辆识别代号{vin}，保单{policyNumber}，核查日期{day}，"
        "记录{checkId}。请查明原因并反馈整改情况（十一-三）。",
    ),
    NoticeTemplate(
        f"{MEASURE}.failure_resolved",
        MEASURE,
        "交强险核查失败记录{checkId}（车辆识别代号{vin}）已处理：原因{cause}；{correction}",
    ),
]
