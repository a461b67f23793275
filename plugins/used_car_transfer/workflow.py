"""The declared state machine of a cross-region transfer (core/workflow.py).

    SUBMITTED ─inspect_pass─> INSPECTED ─register─> REGISTERED
    SUBMITTED ─inspect_fail─> INSPECTION_FAILED ─inspect_pass (after correction)─> INSPECTED
    SUBMITTED ─inspect_suspect (the new owner is told: suspended)─> SUSPECTED ─archive_return─> ARCHIVE_RETURNED
    SUSPECTED ─clear_pass (re-inspection: the suspicion proved unfounded, with the evidence)─> INSPECTED
    SUSPECTED ─clear_fail (unfounded, but the VIN still does not match)─> INSPECTION_FAILED
    SUBMITTED, INSPECTED, INSPECTION_FAILED ─withdraw (the new owner)─> WITHDRAWN
    SUBMITTED, INSPECTED, INSPECTION_FAILED ─reject (the office, with its reason)─> REJECTED
      (INSPECTED only when registration has become impossible: the vehicle can no longer be
      transferred, or the other city of the pair left the pilot)
    SUBMITTED, INSPECTED, INSPECTION_FAILED ─archive_return─> ARCHIVE_RETURNED (registry: 被盗抢)

Every state that is not final has a way forward or out (issue 15 item 10: an inspection that
failed without suspicion left the buyer stuck); the service adds the guards the graph cannot
say (a passed inspection is rejected only when the vehicle can no longer be transferred; an
archive returns only on an established suspicion, 二-四-1).
"""

from __future__ import annotations

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE
from .rules import TransferStatus as S

_S, _I, _F, _X = S.SUBMITTED.value, S.INSPECTED.value, S.INSPECTION_FAILED.value, S.SUSPECTED.value
_OFFICE, _APPLICANT = (Party.OFFICE,), (Party.APPLICANT,)

TRANSFER_WORKFLOW = Workflow(
    f"{MEASURE}.transfer",
    MEASURE,
    tuple(s.value for s in S),
    (_S,),
    (S.REGISTERED.value, S.ARCHIVE_RETURNED.value, S.WITHDRAWN.value, S.REJECTED.value),
    (
        Transition("inspect_pass", (_S, _F), _I, _OFFICE),
        Transition("inspect_fail", (_S, _F), _F, _OFFICE, f"{MEASURE}.inspection_failed"),
        Transition("inspect_suspect", (_S, _F), _X, _OFFICE, f"{MEASURE}.suspected"),
        Transition("clear_pass", (_X,), _I, _OFFICE, f"{MEASURE}.suspicion_cleared"),
        Transition("clear_fail", (_X,), _F, _OFFICE, f"{MEASURE}.inspection_failed"),
        Transition("register", (_I,), S.REGISTERED.value, _OFFICE, f"{MEASURE}.registered"),
        Transition(
            "archive_return",
            (_S, _I, _F, _X),
            S.ARCHIVE_RETURNED.value,
            _OFFICE,
            f"{MEASURE}.archive_returned",
        ),
        Transition("withdraw", (_S, _I, _F), S.WITHDRAWN.value, _APPLICANT, f"{MEASURE}.withdrawn"),
        Transition("reject", (_S, _I, _F), S.REJECTED.value, _OFFICE, f"{MEASURE}.rejected"),
    ),
    addressees=lambda row: (row.buyer_person_id,),
    notice_params=lambda row: {"transfer": row.id},
)
