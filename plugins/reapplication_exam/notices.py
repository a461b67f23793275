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
        f"{MEASURE}.withdrawn",
        MEASURE,
        "您已撤回驾驶证注销恢复考试报名（报名编号{registration}）。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.closed",
        MEASURE,
        "您的驾驶证注销恢复考试报名（报名编号{registration}）已由车辆管理所终止：{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.prospect",
        MEASURE,
        "自{effective}起，原准驾车型包含小型汽车、因逾期三年未换证被注销的驾驶证申请恢复，"
        "只需参加科目一和科目三道路驾驶技能考试。您的驾驶证（{classes}）符合条件，"
        "可通过交管12123 App报名（依据{rule}）。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.transition",
        MEASURE,
        "自{effective}起延续考试新规施行：您尚需考试的科目{remaining}（依据{rule}）。",
        "APP",
    ),
]
