"""The state machines of M20 (core/workflow.py): its business applications (补换领牌证, 申领免检
标志), preselected plate numbers and the legacy accounts of the clean-up."""

from __future__ import annotations

from typing import Any

from core.notices import Addressee
from core.registries import applications as apps
from core.workflow import Party, Transition, Workflow

from .models import LegacyStatus, ReservationStatus
from .rules import MEASURE


def _the_unit(app: Any) -> tuple[Addressee | str | None, ...]:
    """A unit's application is the unit's: its notices go to the unit (its current legal person
    and admins read them in myNotices), not to the member who happened to apply."""
    unit_id = (app.data or {}).get("unitId")
    return (Addressee.unit(unit_id),) if unit_id else (app.applicant_person_id,)


# the office decides (unitApplicationDecide), issues (unitApplicationComplete) or cancels
# (unitApplicationCancel); the member who applied withdraws a pending one (core
# applicationWithdraw); each move is told to the unit (notices.py)
APPLICATION = apps.application_workflow(
    MEASURE,
    {
        "approve": f"{MEASURE}.application_approved",
        "reject": f"{MEASURE}.application_rejected",
        "complete": f"{MEASURE}.application_completed",
        "withdraw": f"{MEASURE}.application_withdrawn",
        "cancel": f"{MEASURE}.application_cancelled",
    },
    addressees=_the_unit,
)

_RES, _REL, _EXP = (
    ReservationStatus.RESERVED.value,
    ReservationStatus.RELEASED.value,
    ReservationStatus.EXPIRED.value,
)
PLATE_RESERVATION = Workflow(
    f"{MEASURE}.plate_reservation",
    MEASURE,
    states=(_RES, _REL, _EXP),
    initial=(_RES,),
    final=(_REL, _EXP),
    transitions=(
        Transition("release", (_RES,), _REL, (Party.APPLICANT,)),
        # the daily job unit_accounts_reservations_expire, after the last day
        Transition("expire", (_RES,), _EXP, (Party.SYSTEM,)),
    ),
)

_P, _F, _D, _C = (
    LegacyStatus.PENDING.value,
    LegacyStatus.FLAGGED.value,
    LegacyStatus.DISABLED.value,
    LegacyStatus.CONVERTED.value,
)
# moved in bulk by the clean-up (cleanup.run_cleanup; the unit is told, jobs._teller)
LEGACY_ACCOUNT = Workflow(
    f"{MEASURE}.legacy_account",
    MEASURE,
    states=(_P, _F, _D, _C),
    initial=(_P,),
    final=(_D, _C),
    transitions=(
        Transition("flag", (_P,), _F, (Party.SYSTEM,)),
        Transition("clear", (_F,), _P, (Party.SYSTEM,)),
        Transition("disable", (_P, _F), _D, (Party.SYSTEM,)),
        Transition("convert", (_P, _F), _C, (Party.SYSTEM,)),
    ),
)
