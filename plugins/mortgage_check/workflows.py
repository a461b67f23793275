"""The state machines of M10 (core/workflow.py): an owner's dispute of a mortgage filing."""

from __future__ import annotations

from typing import Any

from core.notices import Addressee
from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, DisputeStatus

OPEN, UPHELD, DISMISSED, WITHDRAWN = (s.value for s in DisputeStatus)


def _parties(record: Any) -> list[Addressee | str]:
    """The owner who raised it and the lender whose filing it is."""
    return [record.raised_by_person_id, Addressee.partner(record.lender_org_id)]


DISPUTE = Workflow(
    f"{MEASURE}.dispute",
    MEASURE,
    states=(OPEN, UPHELD, DISMISSED, WITHDRAWN),
    initial=(OPEN,),
    final=(UPHELD, DISMISSED, WITHDRAWN),
    transitions=(
        Transition("uphold", (OPEN,), UPHELD, (Party.OFFICE,), f"{MEASURE}.dispute_decided"),
        Transition("dismiss", (OPEN,), DISMISSED, (Party.OFFICE,), f"{MEASURE}.dispute_decided"),
        Transition("withdraw", (OPEN,), WITHDRAWN, (Party.APPLICANT,)),
    ),
    addressees=_parties,
)
