"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(f"{MEASURE}.certificate", MEASURE, "车辆已注销，注销证明编号{number}。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.scrap_deadline",
        MEASURE,
        "您的车辆{plate}将于{deadline}达到强制报废期限，请及时交售报废。",
        "SMS",
    ),
    NoticeTemplate(
        f"{MEASURE}.scrap_report_processed",
        MEASURE,
        "报废信息{report}（回收证明{certificate_no}）已办理注销登记，注销证明编号{number}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.scrap_report_rejected",
        MEASURE,
        "报废信息{report}（回收证明{certificate_no}）未能办理注销登记，原因：{reason}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.scrap_report_superseded",
        MEASURE,
        "报废信息{report}（回收证明{certificate_no}）无需再办理：车辆已于{date}注销，注销证明编号{number}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.scrap_already_deregistered",
        MEASURE,
        "回收企业报送的您的车辆{plate}的报废信息（回收证明{certificate_no}）已关闭：车辆已于{date}注销，"
        "注销证明编号{number}。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.scrap_not_deregistered",
        MEASURE,
        "您的车辆{plate}的报废信息未能办理注销登记，原因：{reason}。请处理后由回收企业重新报送。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.rejected", MEASURE, "您的注销登记申请{application}未通过：{note}。", "APP"
    ),
    NoticeTemplate(f"{MEASURE}.withdrawn", MEASURE, "您的注销登记申请{application}已撤回。", "APP"),
    NoticeTemplate(
        f"{MEASURE}.cancelled", MEASURE, "您的注销登记申请{application}已关闭：{note}。", "APP"
    ),
]
