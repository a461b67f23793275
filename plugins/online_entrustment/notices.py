"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.agent_named",
        MEASURE,
        "{owner}委托您办理“{business}”，委托有效期至{until}，请持本人身份证明办理。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.used",
        MEASURE,
        "您委托{agent}办理的“{business}”已于{day}由车辆管理所受理。",
        "APP",
    ),
]
