"""M02's ways out of an open transfer (issue 15 item 10): the new owner withdraws it, the office
rejects it with its reason. Called by the resolvers in schema.py; the graph is workflow.py."""

from __future__ import annotations

from sqlmodel import Session

from core.context import Context, WriteScope
from core.db import stamp
from core.errors import NotFound, RuleError
from core.registries import applications
from core.registries.applications import AppStatus
from core.registries.vehicles import Vehicle
from core.validation import optional_text, require_text
from core.workflow import Party, move

from . import rules
from .errors import UsedCarTransferErrorCode
from .models import UsedCarTransferRow
from .rules import MEASURE, Rule, TransferStatus
from .service import application_of, end_tickets, load_transfer
from .workflow import TRANSFER_WORKFLOW


# --- withdrawal and rejection: the ways out of an open transfer ---------------------------------
def withdraw(
    ctx: Context, scope: WriteScope, *, transfer_id: str, reason: str | None
) -> UsedCarTransferRow:
    """The new owner withdraws their open transfer (before registration); not once an inspection
    found a suspicion (the office then investigates and returns the archive, 二-三-3)."""
    session = scope.session
    text = optional_text("reason", reason, 500, multiline=True)
    row = load_transfer(session, transfer_id)
    if row.buyer_person_id != ctx.require_person():
        raise NotFound("UsedCarTransfer", "transferId")
    ctx.require_in_force(MEASURE, row.handling_city, field="transferId")
    scope.subject(row.buyer_person_id, f"UsedCarTransfer:{row.id}")
    if row.status == TransferStatus.SUSPECTED.value:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            "The inspection found a suspicion: the office investigates it and decides.",
            field="transferId",
            rule=Rule.SUSPECT_HANDLING,
        )
    _close(ctx, session, row, "withdraw", AppStatus.CANCELLED, text, Party.APPLICANT)
    return row


def reject(ctx: Context, scope: WriteScope, *, transfer_id: str, reason: str) -> UsedCarTransferRow:
    """The office that took the application (or the transfer-in office) refuses it with its
    reason: before or after a failed inspection; after a passed one only when registration has
    become impossible (`registration_impossible`: the vehicle can no longer be transferred, it
    changed owner, or a city of the pair left the pilot, 二-二-1), because a passed inspection is
    registered and archive problems are settled between the offices (二-四-1). The new owner is
    told the reason (the declared `rejected` notice)."""
    session = scope.session
    text = require_text("reason", reason, 500, multiline=True)
    row = load_transfer(session, transfer_id)
    ctx.require_in_force(MEASURE, row.handling_city, field="transferId")
    if not ctx.in_jurisdiction(row.to_city):
        ctx.require_jurisdiction(row.handling_city, field="transferId")
    scope.subject(row.buyer_person_id, f"UsedCarTransfer:{row.id}")
    if row.status == TransferStatus.SUSPECTED.value:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            "The inspection found a suspicion: the transfer-in office returns the archive.",
            field="transferId",
            rule=Rule.NO_RETURN,
        )
    if row.status == TransferStatus.INSPECTED.value and not registration_impossible(
        ctx, session, row
    ):
        raise RuleError(
            UsedCarTransferErrorCode.REJECTION_FORBIDDEN,
            "The vehicle passed its inspection and can be transferred: register it; settle "
            "any archive problem with the other office through an office ticket.",
            field="transferId",
        )
    _close(ctx, session, row, "reject", AppStatus.REJECTED, text, Party.OFFICE)
    return row


def registration_impossible(ctx: Context, session: Session, row: UsedCarTransferRow) -> bool:
    """Whether an INSPECTED transfer can no longer be registered: the vehicle is stolen, seized or
    deregistered, or has changed owner since the application, or the transfer-out or transfer-in
    city is no longer in the pilot on the clock's date (registration would answer
    PILOT_PAIR_REQUIRED / FEATURE_NOT_ENABLED)."""
    vehicle = session.get(Vehicle, row.vehicle_id)
    assert vehicle is not None
    if vehicle.status in {s.value for s in rules.BLOCKING_STATUSES}:
        return True
    if (vehicle.owner_person_id, vehicle.owner_unit_id) != (
        row.seller_person_id,
        row.seller_unit_id,
    ):
        return True
    return not all(ctx.decision(MEASURE, c).in_force for c in (row.from_city, row.to_city))


def _close(
    ctx: Context,
    session: Session,
    row: UsedCarTransferRow,
    step: str,
    app_to: AppStatus,
    text: str | None,
    by: Party,
) -> None:
    """Move the transfer by `step` (WRONG_STATE when it is not open to it) and its application."""
    if row.status not in TRANSFER_WORKFLOW.transition(step).source:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            f"A transfer in {row.status} cannot be {'withdrawn' if step == 'withdraw' else 'rejected'}.",
            field="transferId",
        )
    now = ctx.now()
    app = application_of(session, row)
    applications.transition(
        session, app, app_to, now=now, actor_account_id=ctx.actor.account_id, note=text, by=by,
    )  # fmt: skip
    end_tickets(ctx, session, app)
    move(ctx, session, TRANSFER_WORKFLOW, row, step, params={"reason": text or "—"},
         values={"close_note": text, "closed_at": stamp(now), "updated_at": stamp(now)},
         field_name="transferId")  # fmt: skip
    session.flush()
