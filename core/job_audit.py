"""The audit event of a scheduled job's run.

A job runs with no caller: its run is audited as the SYSTEM actor in the national log, with the
measure's action (`f"{MEASURE}.<job>"`), a reference to what it touched and its figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit


def record_job_run(
    session: Any,
    now: dt.datetime,
    action: str,
    measure: str | None,
    subject_ref: str,
    detail: dict[str, Any],
) -> None:
    """Insert the SYSTEM audit event of one job run (outcome OK) into `session`'s transaction.

    `subject_ref` names what the run touched ("CleanupRun:<id>", "PlateReservation:*");
    `detail` carries its figures (no personal data)."""
    audit.insert_event(
        session,
        audit.EventDraft(
            log_id=audit.NATIONAL_LOG,
            at=now,
            actor_account_id=None,
            actor_kind="SYSTEM",
            actor_role="SYSTEM",
            jurisdiction="NATIONAL",
            action=action,
            measure=measure,
            subject_person_id=None,
            subject_ref=subject_ref,
            outcome="OK",
            detail=detail,
        ),
    )
