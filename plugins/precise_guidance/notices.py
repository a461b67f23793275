"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.correction_decided",
        MEASURE,
        "您报告的办事网点信息纠错{correction}已处理：{status}。",
        "APP",
    ),
    NoticeTemplate(f"{MEASURE}.todo", MEASURE, "【{label}】{subject}请于{due}前办理。", "APP"),
]
