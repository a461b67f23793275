"""How the province console presents reports (issue 17 item 7): one display name per report in one
pattern, Chinese column labels, and area names instead of codes. Presentation only: the reports'
API (names, columns, figures) is the measures' and the core's (core/api, docs/reports.md).

GET /console/labels.json (public: it holds no data, only names) answers
`{"reports": {name: display name}, "columns": {column: 中文}, "report_columns": {name: {column:
中文}}, "rows": {label: 中文}, "values": {value: 中文}, "areas": {code: name}}`: the shared column
labels are the core's, each report's own subject and column labels its measure's (ReportSpec
`subject_zh` and `column_labels`, so a new measure's report needs nothing here); the console
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

PERIODS = {"WEEKLY": "（周报）", "MONTHLY": "（月报）"}

# labels of the columns that many reports share; a report labels its own columns in its ReportSpec
# (`column_labels`), which also win where a shared name means something else there
COLUMNS: dict[str, str] = {
    "follow_ups": "服务回访数",
    "follow_ups_unsatisfied": "回访不满意或有问题",
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
    "delivered": "送达数",
}
ROWS: dict[str, str] = {"total": "合计", "TOTAL": "合计", "CN": "全国"}
VALUES: dict[str, str] = {"UP": "上升", "DOWN": "下降", "SAME": "持平"}


def display_name(spec: Any, measure: Any | None) -> str:
    """`{code} {title_zh} · {subject}{period}` for a ReportSpec and its MeasureInfo."""
    subject = spec.subject_zh or spec.title
    head = f"{measure.code} {measure.title_zh}" if measure is not None else spec.measure
    return f"{head} · {subject}{PERIODS.get(str(spec.period), '')}"


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
        "report_columns": {
            name: dict(spec.column_labels)
            for name, spec in platform.reports.items()
            if spec.column_labels
        },
        "rows": ROWS,
        "values": VALUES,
        "areas": areas,
    }


async def labels_endpoint(request: Request) -> Response:
    body = labels(request.app.state.platform)
    return JSONResponse(body, headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})  # fmt: skip


def route() -> Route:
    return Route("/console/labels.json", labels_endpoint, methods=["GET"])
