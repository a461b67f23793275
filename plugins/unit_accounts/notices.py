"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.user_added", MEASURE, "您已被添加为单位“{unit}”的交管业务用户。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.plate_reserved",
        MEASURE,
        "单位“{unit}”已预选号牌号码{plate}，保留至{until}，请在此前办理注册登记。",
        "APP",
    ),
    NoticeTemplate(f"{MEASURE}.contact_changed", MEASURE, "单位“{unit}”的联系方式已变更。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.driver_filed",
        MEASURE,
        "您已被单位“{unit}”备案为车辆{plate}的驾驶人。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.driver_removed",
        MEASURE,
        "单位“{unit}”已取消您作为车辆{plate}驾驶人的备案。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.cleanup_flagged",
        MEASURE,
        "单位“{unit}”有{count}个单位用户账号不符合账号清理规则（同一身份仅保留1个、每单位最多10个、"
        "每人最多3个单位），将于{date}起停用；需要继续使用的，请由单位法人或管理员按新规则重新添加。",
        "SMS",
    ),
    NoticeTemplate(
        f"{MEASURE}.cleanup_disabled",
        MEASURE,
        "单位“{unit}”有{count}个不符合账号清理规则的单位用户账号已于{date}起停用。",
        "SMS",
    ),
    NoticeTemplate(
        f"{MEASURE}.application_approved",
        MEASURE,
        "单位业务申请{application}（{business}）已审核通过。{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.application_rejected",
        MEASURE,
        "单位业务申请{application}（{business}）未通过：{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.application_completed",
        MEASURE,
        "单位业务申请{application}（{business}）已办结。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.application_withdrawn",
        MEASURE,
        "单位业务申请{application}（{business}）已由申请人撤回。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.application_cancelled",
        MEASURE,
        "单位业务申请{application}（{business}）已被取消。{note}",
        "APP",
    ),
]
