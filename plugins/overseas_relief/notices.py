"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.restored", MEASURE, "您的驾驶证已恢复，有效期至{valid_until}。", "APP"
    ),
]
