"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.user_added", MEASURE, "您已被添加为单位“{unit}”的交管业务用户。", "APP"
    ),
]
