"""How the province console presents reports (issue 17 item 7): one display name per report in one
pattern, Chinese column labels, and area names instead of codes. Presentation only: the reports'
API (names, columns, figures) is the measures' and the core's (core/api, docs/reports.md).

GET /console/labels.json (public: it holds no data, only names) answers
`{"reports": {name: display name}, "columns": {column: 中文}, "report_columns": {name: {column:
中文}}, "rows": {label: 中文}, "values": {value: 中文}, "areas": {code: name}}`; the console
(core/web/console.html) looks every column, row label and text figure up in it and shows the
original only when it has no entry. `tests/test_console_labels.py` checks that every registered
report has a display name and every column it answers a Chinese label.

Display name pattern: `{measure code} {measure's Chinese title} · {subject}{period}`, e.g.
"M01 驾驶证电子化 · 申领、发放与核验（月报）"; the period suffix is （周报） or （月报） for a
report of period WEEKLY or MONTHLY, nothing for ANY.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.divisions import CITIES, PROVINCES

# each report's subject (the part after the measure's title)
SUBJECTS: dict[str, str] = {
    "accident_evidence_activity": "证据材料网上查阅情况",
    "accident_evidence.activity": "证据材料网上查阅情况",
    "accident_evidence.timeliness": "查阅审批时效",
    "courier_service.bookings": "各试点区域预约与送达",
    "driving_exam_transfer_anomalies": "异地考试转入转出异常",
    "driving_exam.transfer_anomalies": "异地考试转入转出异常",
    "e_driving_licence.monthly": "申领、发放与核验",
    "e_vehicle_licence.monthly_pilot": "试点工作情况",
    "elderly_proxy.activity": "代办与绿色通道",
    "insurance_check.weekly_failures": "核查未通过（按周、保险公司）",
    "insurance_check.weekly_anomalies": "核查异常及趋势",
    "intersection_nonmotor.city": "路口组织、勤务与违法处理",
    "online_deregistration.monthly": "网上注销与报废一日办结",
    "online_entrustment.activity": "网上委托办理情况",
    "overseas_relief_figures": "延期与恢复办理（按业务、状态）",
    "overseas_relief.figures": "延期与恢复办理（按业务、状态）",
    "precise_guidance_activity": "精准导办工作情况",
    "precise_guidance.activity": "精准导办工作情况",
    "reapplication_exam_registrations": "重新申领考试报名（按情形、状态）",
    "reapplication_exam.registrations": "重新申领考试报名（按情形、状态）",
    "residential_parking.segments": "路内停车路段与泊位变更",
    "truck_pass.applications": "通行证申请、时限与黑名单",
    "unit_accounts_cleanup": "单位账号清理与扫码登录",
    "unit_accounts.cleanup": "单位账号清理与扫码登录",
    "used_car_transfer.concentration": "异地集中转入转出研判",
    "veteran_licence_exchanges": "换领结果与核查未通过",
    "veteran_licence.exchanges": "换领结果与核查未通过",
}
PERIODS = {"WEEKLY": "（周报）", "MONTHLY": "（月报）"}

# column labels, whatever the report
COLUMNS: dict[str, str] = {
    "follow_ups": "服务回访数",
    "follow_ups_unsatisfied": "回访不满意或有问题",
    # counts of applications and their outcomes
    "applications": "申请数",
    "applied": "申请数",
    "submitted": "提交数",
    "accepted": "受理数",
    "approved": "批准数",
    "rejected": "驳回数",
    "issued": "发放数",
    "handled": "办结数",
    "cancelled": "取消数",
    "pending": "待办数",
    "overdue_pending": "超时未办数",
    "still_open": "未办结数",
    "count": "数量",
    "name": "名称",
    "kind": "类型",
    "share": "占比",
    "from": "来源地",
    "detail": "详情",
    "week": "周次",
    "city": "城市",
    "flagged": "标记异常数",
    # M01 / M13 electronic licences
    "verifications": "核验次数",
    "verifications_partner": "单位核验次数",
    "verifications_staff": "民警核验次数",
    "verifications_rejected": "核验未通过次数",
    "roadside_checks": "路面查验次数",
    "roadside_e_only_warnings": "仅出示电子证件提示次数",
    "grants": "授权数",
    # M02 used-car transfers
    "transfers": "转移登记数",
    "max_in_window": "时段内最多笔数",
    # M04 truck passes
    "blacklisted_codes": "黑名单通行证数",
    "blacklist_listed": "列入黑名单企业数",
    # M05 residential parking
    "active_segments": "在用路段数",
    "active_bays": "在用泊位数",
    "designated": "新施划数",
    "adjusted": "调整数",
    "withdrawn": "撤销数",
    # M06 elderly proxy
    "tickets": "取号数",
    "green_channel": "绿色通道办理数",
    # M09 online entrustment
    "online_created": "网上委托数",
    "paper_recorded": "纸质委托录入数",
    "used": "已使用数",
    "revoked": "已撤销数",
    "expired_unused": "过期未使用数",
    # M11 compulsory insurance checks
    "insurer": "保险公司",
    "NOT_FOUND": "查无投保",
    "EXPIRED": "保险已过期",
    "NOT_YET_VALID": "保险尚未生效",
    "SOURCE_UNAVAILABLE": "数据源不可用",
    "failed": "核查未通过数",
    "checks": "核查次数",
    "failure_rate_pct": "未通过率（%）",
    "failed_prev": "上期未通过数",
    "change": "增减",
    "trend": "趋势",
    "last_4_periods": "近四期",
    "unresolved": "未处理数",
    # M12 accident evidence
    "cases": "案件数",
    "items_approved": "准予查阅材料数",
    "requesters": "申请查阅人数",
    "accesses": "查阅次数",
    "refused_codes": "不予查阅原因",
    "delivered": "送达数",
    "approved_in_time": "按时审批数",
    "approved_late": "超时审批数",
    "avg_lag_days": "平均用时（天）",
    "max_lag_days": "最长用时（天）",
    "overdue_open": "超期未办数",
    # M15 deregistration
    "certificates": "注销证明数",
    "scrap_reports": "报废回收报告数",
    "processed_within_one_day": "一日内办结数",
    "flagged_overdue": "超期标记数",
    "superseded": "车主已先行注销数",
    # M16 courier service
    "booked": "预约数",
    "fees_yuan": "费用（元）",
    # M18 intersections
    "intersections": "路口数",
    "one_stage": "一次过街路口数",
    "two_stage": "二次过街路口数",
    "police": "民警（人次）",
    "auxiliaries": "辅警（人次）",
    "volunteers": "志愿者（人次）",
    "red_light": "闯红灯",
    "wrong_way": "逆向行驶",
    "motor_lane": "占用机动车道",
    "stop_line": "越线停车",
    "flagged_shifts": "异常勤务班次",
    "flagged_enforcement": "异常处理违法数",
    "flag_below_expected_police": "民警少于预期",
    "flag_below_expected_helpers": "辅警志愿者少于预期",
    "flag_stop_line_fined": "越线停车即罚款",
    "flag_serious_persuasion_only": "严重违法仅劝导",
    # M19 precise guidance
    "outlets": "导办网点数",
    "corrections": "补正次数",
    "todos_pushed": "推送待办数",
    # M20 unit accounts
    "disabled": "停用数",
    "converted": "转换数",
    "DUPLICATE_ID": "证件重复",
    "UNIT_OVER_10": "单位账号超过10个",
    "PERSON_OVER_3": "个人关联单位超过3个",
    "qr_sign_ins": "扫码登录次数",
}
# where one report's column means something else than the generic label
REPORT_COLUMNS: dict[str, dict[str, str]] = {
    "intersection_nonmotor.city": {"key": "重点路口数"},
    "used_car_transfer.concentration": {"key": "研判对象"},
}
ROWS: dict[str, str] = {"total": "合计", "TOTAL": "合计", "CN": "全国"}
VALUES: dict[str, str] = {"UP": "上升", "DOWN": "下降", "SAME": "持平"}


def display_name(spec: Any, measure: Any | None) -> str:
    """`{code} {title_zh} · {subject}{period}` for a ReportSpec and its MeasureInfo."""
    subject = SUBJECTS.get(spec.name, spec.title)
    head = f"{measure.code} {measure.title_zh}" if measure is not None else spec.measure
    return f"{head} · {subject}{PERIODS.get(str(spec.period), '')}"


def column_label(report: str, column: str) -> str | None:
    """The Chinese label of `column` in `report`, or None when there is none."""
    return REPORT_COLUMNS.get(report, {}).get(column) or COLUMNS.get(column)


def labels(platform: Any) -> dict[str, Any]:
    """Everything the console needs to present this platform's reports (see the module doc)."""
    areas = {code: p.name for code, p in PROVINCES.items()}
    areas |= {code: c.name for code, c in CITIES.items()}
    areas["CN"] = "全国"
    return {
        "reports": {
            name: display_name(spec, platform.measures.get(spec.measure))
            for name, spec in platform.reports.items()
        },
        "columns": COLUMNS,
        "report_columns": REPORT_COLUMNS,
        "rows": ROWS,
        "values": VALUES,
        "areas": areas,
    }


async def labels_endpoint(request: Request) -> Response:
    body = labels(request.app.state.platform)
    return JSONResponse(body, headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})  # fmt: skip


def route() -> Route:
    return Route("/console/labels.json", labels_endpoint, methods=["GET"])
