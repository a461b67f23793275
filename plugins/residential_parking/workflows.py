"""M05's declared state machine (core/workflow.py): a designated segment stays ACTIVE through
adjustments and sign records (each a new version) until it is withdrawn on one of the seed's two
grounds (2021-五-三); a withdrawn segment is final (designate a new one instead)."""

from __future__ import annotations

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE

SEGMENT = Workflow(
    f"{MEASURE}.segment",
    MEASURE,
    ("ACTIVE", "WITHDRAWN"),
    ("ACTIVE",),
    ("WITHDRAWN",),
    (
        Transition("adjust", ("ACTIVE",), "ACTIVE", (Party.OFFICE,)),
        Transition("withdraw", ("ACTIVE",), "WITHDRAWN", (Party.OFFICE,)),
    ),
)

WORKFLOWS = [SEGMENT]
