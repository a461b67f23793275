"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.issued", MEASURE, "车辆{plate}的货车通行证已核发，有效期至{until}。", "APP"
    ),
    NoticeTemplate(f"{MEASURE}.rejected", MEASURE, "您的货车通行证申请未通过：{note}。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.withdrawn", MEASURE, "您的货车通行证申请（{application}）已撤回。", "APP"
    ),
    # the blacklist (2021-四-三): the firm is told of the listing and its correction deadline,
    # of each step of its appeal, and when it comes off the list
    NoticeTemplate(
        f"{MEASURE}.blacklisted",
        MEASURE,
        "您（单位/车辆）因交通违法、交通事故突出已被{city}纳入货车通行黑名单（{reason}），请于"
        "{correct_by}前完成整改。已持有的通行码减少{revoked}个、缩短有效期{shortened}个。"
        "如有异议可在线申诉（记录号{entry}）。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.code_restricted",
        MEASURE,
        "车辆{plate}的货车通行码因黑名单管理{change}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.blacklist_appealed",
        MEASURE,
        "您对货车通行黑名单（记录号{entry}）的申诉已受理，处理期间仍按黑名单管理。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.blacklist_upheld",
        MEASURE,
        "您对货车通行黑名单（记录号{entry}）的申诉未获支持：{note}。请于{correct_by}前完成整改。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.blacklist_overturned",
        MEASURE,
        "您对货车通行黑名单（记录号{entry}）的申诉成立，已移出黑名单，通行码已恢复：{note}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.blacklist_lifted",
        MEASURE,
        "您已整改完毕，已移出{city}货车通行黑名单（记录号{entry}）：{note}。",
        "APP",
    ),
]
