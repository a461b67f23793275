"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.restored",
        MEASURE,
        "您的驾驶证已恢复，准驾车型{classes}，有效期至{valid_until}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.transition",
        MEASURE,
        "自{effective}起延续考试新规施行：您尚需考试的科目{remaining}（依据{rule}）。",
        "APP",
    ),
]
