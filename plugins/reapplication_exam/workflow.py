"""The registration's state machine (core/workflow.py): restored when every required subject is
passed, withdrawn by the applicant, or closed by the office with its reason; each move tells the
applicant through the outbox."""

from __future__ import annotations

from typing import Any

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, RegistrationStatus

OPEN = RegistrationStatus.OPEN.value


def _addressees(row: Any) -> tuple[str, ...]:
    return (row.person_id,)


def _params(row: Any) -> dict[str, Any]:
    return {"registration": row.id, "note": row.closed_note or ""}


REGISTRATION = Workflow(
    f"{MEASURE}.registration",
    MEASURE,
    tuple(s.value for s in RegistrationStatus),
    (OPEN,),
    (
        RegistrationStatus.RESTORED.value,
        RegistrationStatus.WITHDRAWN.value,
        RegistrationStatus.CLOSED.value,
    ),
    (
        Transition(
            "restore",
            (OPEN,),
            RegistrationStatus.RESTORED.value,
            (Party.OFFICE,),
            f"{MEASURE}.restored",
        ),
        Transition(
            "withdraw",
            (OPEN,),
            RegistrationStatus.WITHDRAWN.value,
            (Party.APPLICANT,),
            f"{MEASURE}.withdrawn",
        ),
        Transition(
            "close",
            (OPEN,),
            RegistrationStatus.CLOSED.value,
            (Party.OFFICE,),
            f"{MEASURE}.closed",
        ),
    ),  # fmt: skip
    addressees=_addressees,
    notice_params=_params,
)
