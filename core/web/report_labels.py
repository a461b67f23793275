"""How the province console presents reports (issue 17 item 7): one display name per report in one
pattern, Chinese column labels, and area names instead of codes. Presentation only: the reports'
API (names, columns, figures) is the measures' and the core's (core/api, docs/reports.md).

GET /console/labels.json (public: it holds no data, only names) answers
`{"reports": {name: display name}, "columns": {column: 中文}, "report_columns": {name: {column:
中文}}, "rows": {label: 中文}, "values": {value: 中文}, "report_terms": {name: {word: 中文}},
"areas": {code: name}}`: the shared column labels and terms are the core's, each report's own
subject, column labels and terms its measure's (ReportSpec `subject_zh`, `column_labels` and
`terms`, so a new measure's report needs nothing here). The console (core/web/console.html) looks
every column up, and every row label and text figure as a whole, or else word by word
(`translate` below is the same lookup), and shows the original where it has no entry.
`tests/test_console_labels.py` checks that every registered report has a display name and every
column it answers a Chinese label; the reports' own tests check their row labels and coded
figures with `untranslated`.

Display name pattern: `{measure code} {measure's Chinese title} · {subject}{period}`, e.g.
"M01 驾驶证电子化 · 申领、发放与核验（月报）"; the period suffix is （周报） or （月报） for a
report of period WEEKLY or MONTHLY, nothing for ANY.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.divisions import CITIES, PROVINCES
from core.registries.applications import AppStatus

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
# the words many reports share: trends, YES/NO, the core's application statuses (核心申请状态)
VALUES: dict[str, str] = {
    "UP": "上升",
    "DOWN": "下降",
    "SAME": "持平",
    "YES": "是",
    "NO": "否",
    AppStatus.SUBMITTED: "已提交",
    AppStatus.UNDER_REVIEW: "审核中",
    AppStatus.APPROVED: "已批准",
    AppStatus.REJECTED: "已驳回",
    AppStatus.COMPLETED: "已办结",
    AppStatus.CANCELLED: "已取消",
}
# an English word of a label or figure, as the console's /\b[A-Za-z][A-Za-z_]*\b/g finds it
WORD = re.compile(r"\b[A-Za-z][A-Za-z_]*\b", re.ASCII)


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
        "report_terms": {
            name: dict(spec.terms) for name, spec in platform.reports.items() if spec.terms
        },
        "areas": areas,
    }


def _term(labels: dict[str, Any], report: str, text: str) -> str | None:
    own = labels["report_terms"].get(report, {})
    return own.get(text) or labels["values"].get(text) or labels["rows"].get(text)


def translate(labels: dict[str, Any], report: str, text: str) -> str:
    """A row label or text figure of `report` as the console shows it (before area names): its
    term as a whole, or else each English word replaced by its term where there is one."""
    whole = _term(labels, report, text)
    if whole:
        return whole
    return WORD.sub(lambda m: _term(labels, report, m.group()) or m.group(), text)


def untranslated(labels: dict[str, Any], report: str, texts: Iterable[str]) -> set[str]:
    """The English words left in `texts` (row labels, coded figures) once translated: what the
    console would show a province administrator untranslated. Empty when all have terms."""
    return {w for t in texts for w in WORD.findall(translate(labels, report, str(t)))}


async def labels_endpoint(request: Request) -> Response:
    body = labels(request.app.state.platform)
    return JSONResponse(body, headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})  # fmt: skip


def route() -> Route:
    return Route("/console/labels.json", labels_endpoint, methods=["GET"])
