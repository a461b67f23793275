"""The state machines of M16 (core/workflow.py): a home-visit booking. `rules.STEPS` is the
same graph (the service moves bookings by it); a test checks that the two agree."""

from __future__ import annotations

from typing import Any

from core.notices import Addressee
from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, BookingStatus

B = BookingStatus
_OFFICE, _PARTNER, _APPLICANT = Party.OFFICE, Party.PARTNER, Party.APPLICANT


def _parties(record: Any) -> list[Addressee | str]:
    return [record.person_id]


BOOKING = Workflow(
    f"{MEASURE}.booking",
    MEASURE,
    states=tuple(s.value for s in B),
    initial=(B.BOOKED.value,),
    final=(B.REJECTED.value, B.DELIVERED.value, B.CANCELLED.value),
    transitions=(
        Transition("assign", (B.BOOKED.value, B.ASSIGNED.value), B.ASSIGNED.value, (_PARTNER,)),
        Transition("cancel", (B.BOOKED.value, B.ASSIGNED.value), B.CANCELLED.value, (_APPLICANT,)),
        Transition("collect", (B.ASSIGNED.value,), B.COLLECTED.value, (_PARTNER,)),
        Transition(
            "approve", (B.COLLECTED.value,), B.APPROVED.value, (_OFFICE,), f"{MEASURE}.reviewed"
        ),
        Transition(
            "reject", (B.COLLECTED.value,), B.REJECTED.value, (_OFFICE,), f"{MEASURE}.reviewed"
        ),
        Transition("ship", (B.APPROVED.value, B.SHIPPED.value), B.SHIPPED.value, (_PARTNER,)),
        Transition(
            "deliver", (B.SHIPPED.value,), B.DELIVERED.value, (_PARTNER,), f"{MEASURE}.delivered"
        ),
        # not mailed: handed over at the window (courierBookingHandOver)
        Transition(
            "hand_over",
            (B.APPROVED.value,),
            B.DELIVERED.value,
            (_OFFICE,),
            f"{MEASURE}.delivered",
        ),
    ),
    addressees=_parties,
    notice_params=lambda record: {"booking": record.id, "status": record.status},
)
