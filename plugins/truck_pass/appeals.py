"""A listed firm's side of the blacklist (2021-四-三): it sees its listings, appeals once, and the
city's supervisor decides the appeal (upheld: still listed; overturned: off the list, codes
restored). Lifting after correction is in blacklist.py."""

from __future__ import annotations

from sqlmodel import Session, or_, select

from core.accounts import UnitMember, UnitRole
from core.context import Context, WriteScope
from core.errors import NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.validation import require_text
from core.workflow import move

from .blacklist import restore_codes
from .errors import TruckPassErrorCode
from .models import TruckPassBlacklistEntry as EntryRow
from .policies import gate_city, gate_staff_city
from .types import TruckPassBlacklistEntry, TruckPassBlacklistPayload
from .workflows import BLACKLIST


def managed_units(session: Session, person_id: str) -> list[str]:
    """Units where the person is an active legal person or admin (who speak for the firm)."""
    return list(
        session.exec(
            select(UnitMember.unit_id).where(
                UnitMember.person_id == person_id,
                UnitMember.status == "ACTIVE",
                UnitMember.role.in_([UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value]),  # type: ignore[attr-defined]
            )
        ).all()
    )


def _firm_condition(session: Session, person_id: str):  # noqa: ANN202 - a SQL condition
    units = managed_units(session, person_id)
    own = EntryRow.firm_person_id == person_id
    return or_(own, EntryRow.firm_unit_id.in_(units)) if units else own  # type: ignore[union-attr]


def _load_own(ctx: Context, session: Session, entry_id: str) -> EntryRow:
    """The caller's firm's listing, or NOT_FOUND (another firm's id answers the same)."""
    person_id = ctx.require_person()
    row = session.exec(
        select(EntryRow).where(
            EntryRow.id == require_text("entryId", entry_id, 16),
            _firm_condition(session, person_id),
        )
    ).first()
    if row is None:
        raise NotFound("TruckPassBlacklistEntry", "entryId")
    return row


def appeal(
    ctx: Context, scope: WriteScope, entry_id: str, reason: str
) -> TruckPassBlacklistPayload:
    """The firm (the vehicle's owner, or a legal person / admin of the unit) appeals its listing
    once, with its reasons; it stays listed until the supervisor decides."""
    row = _load_own(ctx, scope.session, entry_id)
    gate_city(ctx, row.city_code, "entryId")
    text = require_text("reason", reason, 500, multiline=True)
    if row.lifted_on is not None:
        raise RuleError(TruckPassErrorCode.ALREADY_LIFTED, "Already off the list.", field="entryId")
    if row.appealed_on is not None:
        raise RuleError(
            TruckPassErrorCode.APPEAL_ALREADY_MADE,
            "This listing was already appealed.",
            field="entryId",
        )
    move(ctx, scope.session, BLACKLIST, row, "appeal", field_name="entryId",
         values={"appeal_reason": text, "appealed_on": ctx.today(),
                 "appealed_by": ctx.actor.account_id})  # fmt: skip
    scope.subject(ctx.actor.person_id, f"TruckPassBlacklistEntry:{row.id}", city=row.city_code)
    return TruckPassBlacklistPayload(entry=TruckPassBlacklistEntry.of(row, ctx.today()))


def decide(
    ctx: Context, scope: WriteScope, entry_id: str, uphold: bool, note: str
) -> TruckPassBlacklistPayload:
    """The city's supervisor decides an appeal with a reason: upheld (listed again, same
    deadline) or overturned (off the list; the codes the listing took are given back)."""
    row = scope.session.get(EntryRow, require_text("entryId", entry_id, 16))
    if row is None:
        raise NotFound("TruckPassBlacklistEntry", "entryId")
    gate_staff_city(ctx, row.city_code, "entryId")
    text = require_text("note", note, 300, multiline=True)
    today = ctx.today()
    values = {"appeal_note": text, "appeal_decided_on": today}
    if uphold:
        move(ctx, scope.session, BLACKLIST, row, "uphold", field_name="entryId", values=values)
    else:
        values |= {"lifted_on": today, "lifted_by": ctx.actor.account_id}
        move(ctx, scope.session, BLACKLIST, row, "overturn", field_name="entryId", values=values)
        restore_codes(ctx, scope.session, row)
    scope.subject(row.firm_person_id, f"TruckPassBlacklistEntry:{row.id}", city=row.city_code)
    return TruckPassBlacklistPayload(entry=TruckPassBlacklistEntry.of(row, today))


def my_entries(
    ctx: Context, city_code: str, first: int, after: str | None
) -> Connection[TruckPassBlacklistEntry]:
    """The listings of the caller's firm in a city (as owner, or legal person / admin), lifted
    ones included, newest first."""
    person_id = ctx.require_person()
    city = gate_city(ctx, city_code)
    today = ctx.today()
    stmt = (
        select(EntryRow)
        .where(EntryRow.city_code == city, _firm_condition(ctx.session, person_id))
        .order_by(EntryRow.listed_on.desc(), EntryRow.id)  # type: ignore[attr-defined]
    )
    return paginate(ctx, stmt, first, after, lambda r: TruckPassBlacklistEntry.of(r, today))
