"""The state machines of M04, declared (core/workflow.py): the blacklist listing (2021-四-三).

A listing starts LISTED; the firm may appeal once (APPEALED, still listed meanwhile); the
supervisor upholds (back to LISTED) or overturns it (OVERTURNED: off the list, codes restored);
once corrected the supervisor lifts it (LIFTED: off the list). Every step is told to the firm.
Pass-code applications use the core's application workflow (`applications.WORKFLOW`)."""

from __future__ import annotations

from typing import Any

from core.divisions import CITIES
from core.notices import Addressee
from core.registries import applications as apps
from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, PolicyStatus
from .rules import BlacklistStatus as S


def firm_addressees(entry: Any) -> tuple[Addressee | str | None, ...]:
    """The firm a listing concerns: the unit (its legal person and admins read it), else the
    person who owns the listed vehicle."""
    if entry.firm_unit_id:
        return (Addressee.unit(entry.firm_unit_id),)
    return (entry.firm_person_id,)


def entry_params(entry: Any) -> dict[str, Any]:
    city = CITIES.get(entry.city_code)
    return {
        "entry": entry.id,
        "city": city.name if city else entry.city_code,
        "correct_by": entry.correct_by.isoformat(),
        "note": entry.appeal_note or entry.lift_note or "",
    }


BLACKLIST = Workflow(
    f"{MEASURE}.blacklist",
    MEASURE,
    tuple(s.value for s in S),
    (S.LISTED.value,),
    (S.LIFTED.value, S.OVERTURNED.value),
    (
        Transition(
            "appeal",
            (S.LISTED.value,),
            S.APPEALED.value,
            (Party.APPLICANT,),
            f"{MEASURE}.blacklist_appealed",
        ),
        Transition(
            "uphold",
            (S.APPEALED.value,),
            S.LISTED.value,
            (Party.OFFICE,),
            f"{MEASURE}.blacklist_upheld",
        ),
        Transition(
            "overturn",
            (S.APPEALED.value,),
            S.OVERTURNED.value,
            (Party.OFFICE,),
            f"{MEASURE}.blacklist_overturned",
        ),
        Transition(
            "lift",
            (S.LISTED.value, S.APPEALED.value),
            S.LIFTED.value,
            (Party.OFFICE,),
            f"{MEASURE}.blacklist_lifted",
        ),
    ),  # fmt: skip
    addressees=firm_addressees,
    notice_params=entry_params,
)

# pass-code applications: the core's graph; the applicant may withdraw a pending application
# (core `applicationWithdraw`): the measure's own request reads its state from the application
APPLICATION = apps.application_workflow(
    MEASURE,
    {
        "complete": f"{MEASURE}.issued",
        "reject": f"{MEASURE}.rejected",
        "withdraw": f"{MEASURE}.withdrawn",
    },
)

# a restriction policy: in the register until withdrawn (kept, status WITHDRAWN)
_ACTIVE, _WITHDRAWN = PolicyStatus.ACTIVE.value, PolicyStatus.WITHDRAWN.value
POLICY = Workflow(
    f"{MEASURE}.policy",
    MEASURE,
    (_ACTIVE, _WITHDRAWN),
    (_ACTIVE,),
    (_WITHDRAWN,),
    (Transition("withdraw", (_ACTIVE,), _WITHDRAWN, (Party.OFFICE,)),),
)

WORKFLOWS = [APPLICATION, BLACKLIST, POLICY]
