"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.submitted", MEASURE, "您的二手车转移登记申请{transfer}已提交。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.registered", MEASURE, "您的二手车转移登记{transfer}已办结，号牌{plate}。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.archive_returned",
        MEASURE,
        "您的二手车转移登记{transfer}档案已退回，原因：{reason}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.inspection_failed",
        MEASURE,
        "您的二手车转移登记{transfer}车辆查验未通过：{note}。请整改后申请重新查验，或撤回申请。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.suspected",
        MEASURE,
        "您的二手车转移登记{transfer}{note}，业务暂停办理，由车辆管理所调查处理；"
        "嫌疑排除后将重新查验。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.suspicion_cleared",
        MEASURE,
        "您的二手车转移登记{transfer}车辆嫌疑已排除（{note}），重新查验通过，将继续办理转移登记。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.withdrawn", MEASURE, "您的二手车转移登记申请{transfer}已撤回。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.rejected",
        MEASURE,
        "您的二手车转移登记申请{transfer}未予办理，原因：{reason}。",
        "APP",
    ),
]
