"""The state machines of M19 (core/workflow.py): public corrections and the province's spot
checks of outlet data (七-一)."""

from __future__ import annotations

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, SpotCheckStatus

OPEN, COMPLETED, CANCELLED = (s.value for s in SpotCheckStatus)

SPOT_CHECK = Workflow(
    f"{MEASURE}.spot_check",
    MEASURE,
    states=(OPEN, COMPLETED, CANCELLED),
    initial=(OPEN,),
    final=(COMPLETED, CANCELLED),
    transitions=(
        # the last sampled outlet recorded completes it; the province may cancel it with a reason
        Transition("complete", (OPEN,), COMPLETED, (Party.OFFICE,)),
        Transition("cancel", (OPEN,), CANCELLED, (Party.OFFICE,)),
    ),
)

# a public (or spot-check) correction: decided once by a clerk or supervisor of the outlet's city;
# the reporter is told (service.decide_correction, notice precise_guidance.correction_decided)
CORRECTION = Workflow(
    f"{MEASURE}.correction",
    MEASURE,
    states=("PENDING", "ACCEPTED", "REJECTED"),
    initial=("PENDING",),
    final=("ACCEPTED", "REJECTED"),
    transitions=(
        Transition(
            "accept", ("PENDING",), "ACCEPTED", (Party.OFFICE,), f"{MEASURE}.correction_decided"
        ),
        Transition(
            "reject", ("PENDING",), "REJECTED", (Party.OFFICE,), f"{MEASURE}.correction_decided"
        ),
    ),
    addressees=lambda record: [record.reporter_person_id],
    notice_params=lambda record: {"correction": record.id, "status": record.status},
)
