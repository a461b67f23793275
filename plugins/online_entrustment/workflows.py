"""The state machine of M09 (core/workflow.py): an entrustment. Its status is read from its
dates (`rules.status_of`: used_at, revoked_at, valid_until), each set once by a conditional
UPDATE (`consume_once`); the graph is declared so that it can be checked: an active
entrustment is used, revoked by its owner, or expires after its last day, never stuck."""

from __future__ import annotations

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, GrantStatus

_A, _U, _R, _E = (s.value for s in GrantStatus)

GRANT = Workflow(
    f"{MEASURE}.grant",
    MEASURE,
    states=(_A, _U, _R, _E),
    initial=(_A,),
    final=(_U, _R, _E),
    transitions=(
        Transition("use", (_A,), _U, (Party.OFFICE,), f"{MEASURE}.used"),
        Transition("revoke", (_A,), _R, (Party.APPLICANT,)),
        Transition("expire", (_A,), _E, (Party.SYSTEM,)),  # the day after valid_until
    ),
)
