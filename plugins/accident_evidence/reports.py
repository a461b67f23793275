"""M12's figures per city and period: cases, approvals, requesters, accesses and refused codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, select

from core.audit import AuditEvent
from core.dates import stored_bounds
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from .errors import AccidentEvidenceErrorCode
from .models import AccidentCase, EvidenceItem, EvidenceRequester
from .rules import MEASURE

COLUMNS = ["cases", "items_approved", "requesters", "accesses", "refused_codes"]


def build(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row for the city: what happened between `start` and `end` (Beijing dates, inclusive)."""
    low, high = stored_bounds(start, end)
    cases = session.exec(select(AccidentCase).where(AccidentCase.city_code == city_code)).all()
    ids = [c.id for c in cases]
    refs = [f"AccidentCase:{i}" for i in ids]

    def count(statement: object) -> int:
        return int(session.exec(statement).one())  # type: ignore[call-overload]

    opened = count(
        select(func.count()).where(
            AccidentCase.city_code == city_code,
            AccidentCase.created_at >= low,
            AccidentCase.created_at < high,
        )
    )

    approved = requesters = accesses = 0
    if ids:
        approved = count(
            select(func.count()).where(
                EvidenceItem.case_id.in_(ids),  # type: ignore[attr-defined]
                EvidenceItem.offer_status == "APPROVED",
                EvidenceItem.reviewed_at >= low,  # type: ignore[operator]
                EvidenceItem.reviewed_at < high,  # type: ignore[operator]
            )
        )
        requesters = count(
            select(func.count()).where(
                EvidenceRequester.case_id.in_(ids),  # type: ignore[attr-defined]
                EvidenceRequester.registered_at >= low,
                EvidenceRequester.registered_at < high,
            )
        )
        accesses = count(
            select(func.count()).where(
                AuditEvent.action == f"{MEASURE}.access",
                AuditEvent.outcome == "OK",
                AuditEvent.subject_ref.in_(refs),  # type: ignore[union-attr]
                AuditEvent.at >= low,
                AuditEvent.at < high,
            )
        )
    numbers = [f"AccidentNumber:{c.accident_number}" for c in cases]
    refused = 0
    if numbers:
        refused = count(
            select(func.count()).where(
                AuditEvent.action == f"{MEASURE}.access",
                AuditEvent.outcome == f"REFUSED:{AccidentEvidenceErrorCode.ACCESS_DENIED}",
                AuditEvent.subject_ref.in_(numbers),  # type: ignore[union-attr]
                AuditEvent.at >= low,
                AuditEvent.at < high,
            )
        )
    row = ReportRow(
        city_code,
        {
            "cases": opened,
            "items_approved": approved,
            "requesters": requesters,
            "accesses": accesses,
            "refused_codes": refused,
        },
    )
    return ReportResult(
        COLUMNS,
        [row],
        [
            "refused_codes: refused access codes for the city's accidents (unknown accident numbers belong to no city)."
        ],
    )


REPORT = ReportSpec(
    "accident_evidence_activity",
    MEASURE,
    "事故证据网上查阅 工作情况",
    "ANY",
    build,
    subject_zh="证据材料网上查阅情况",
    column_labels={
        "cases": "案件数",
        "items_approved": "准予查阅材料数",
        "requesters": "申请查阅人数",
        "accesses": "查阅次数",
        "refused_codes": "不予查阅原因",
    },
)
