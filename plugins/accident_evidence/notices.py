"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.may_access",
        MEASURE,
        "交通事故{accidentNumber}已受理。{whom}在收到事故认定书或者事故证明后，可以提交书面申请，"
        "经办案民警核实身份后，通过全国互联网交通安全综合服务管理平台或“交管12123”APP查阅、"
        "复制事故证据材料。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.available", MEASURE, "您申请的事故{accidentNumber}证据材料已可查阅。", "APP"
    ),
]
