"""The declared state machines of M15 (core/workflow.py).

Scrap reports (`online_deregistration.scrap_report`):

    RECEIVED ─process (the registration office: deregistered, certificate)─> PROCESSED
    RECEIVED ─reject (the registration office, with its reason)─> REJECTED
    RECEIVED ─supersede (the vehicle was deregistered on the owner's application)─> SUPERSEDED

A report the office cannot process (the car is still mortgaged, seized, …) is rejected with the
reason and the scrapping firm and the owner are told; the overdue job then stops flagging it
(issue 15 item 11: before, such a report could be neither processed nor closed).

A report still RECEIVED when the owner's own application deregisters the vehicle is superseded in
the same transaction (the office's approval), closed with the certificate's number, and the firm
and the owner are told; the hourly job supersedes any report left open by a deregistration made
before this rule (review finding: before, such a report stayed RECEIVED for ever).
"""

from __future__ import annotations

from core.notices import Addressee
from core.workflow import Party, Transition, Workflow

from .rules import MEASURE
from .rules import ScrapReportStatus as S

SCRAP_REPORT_WORKFLOW = Workflow(
    f"{MEASURE}.scrap_report",
    MEASURE,
    tuple(s.value for s in S),
    (S.RECEIVED.value,),
    (S.PROCESSED.value, S.REJECTED.value, S.SUPERSEDED.value),
    (
        Transition(
            "process",
            (S.RECEIVED.value,),
            S.PROCESSED.value,
            (Party.OFFICE,),
            f"{MEASURE}.scrap_report_processed",
        ),
        Transition(
            "reject",
            (S.RECEIVED.value,),
            S.REJECTED.value,
            (Party.OFFICE,),
            f"{MEASURE}.scrap_report_rejected",
        ),
        Transition(
            "supersede",
            (S.RECEIVED.value,),
            S.SUPERSEDED.value,
            (Party.OFFICE, Party.SYSTEM),
            f"{MEASURE}.scrap_report_superseded",
        ),
    ),
    addressees=lambda report: (
        (Addressee.partner(report.reporter_org_id),) if report.reporter_org_id else ()
    ),
    notice_params=lambda report: {
        "report": report.id,
        "certificate_no": report.recycling_certificate_no,
    },
)
