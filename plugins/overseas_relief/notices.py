"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.restored", MEASURE, "您的驾驶证已恢复，有效期至{valid_until}。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.rejected",
        MEASURE,
        "您申请的出国（境）人员驾驶证恢复驾驶资格未通过复核：{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.withdrawn",
        MEASURE,
        "您已撤回驾驶证恢复驾驶资格申请（业务编号{application}）。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.deferral_recorded",
        MEASURE,
        "国内受托人已为您申请驾驶证{business}延期，延期至{until}（{documents}）。",
        "APP",
    ),
]
