"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.reviewed", MEASURE, "您的寄递服务预约{booking}已审核，状态：{status}。", "APP"
    ),
    NoticeTemplate(f"{MEASURE}.delivered", MEASURE, "您预约{booking}的牌证已寄递送达。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.courier_suspended",
        MEASURE,
        "您预约的上门服务{booking}的快递企业{courier}已被{status}上门服务，请取消预约后另行选择快递企业或到窗口办理。",
        "APP",
    ),
]
