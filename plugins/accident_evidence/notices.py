"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.may_access", MEASURE, "您可以查阅事故{accidentNumber}的证据材料。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.available", MEASURE, "您申请的事故{accidentNumber}证据材料已可查阅。", "APP"
    ),
]
