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
    NoticeTemplate(
        f"{MEASURE}.update_due_soon",
        MEASURE,
        "{city}服务网点信息更新须于{deadline}前完成并确认，请及时完成网点信息更新。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.update_overdue",
        MEASURE,
        "{city}未在{deadline}前确认完成服务网点信息更新，请尽快完成并确认。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.update_overdue_cities",
        MEASURE,
        "以下城市未在{deadline}前确认完成服务网点信息更新，请督促并抽查核对：{cities}。",
        "APP",
    ),
]
