"""The caller's own records, for a `my…` list gated by the rollout of their domicile city."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from core.accounts import Person
from core.context import Context


def my_rows_newest_first(ctx: Context, measure: str, model: Any, newest: Any) -> Any:
    """The ordered select of the caller's rows of `model` (its `person_id` column), newest
    first by the column `newest`, ties by `model.id`; ready for `paginate`.

    Raises UNAUTHENTICATED / FORBIDDEN without a personal account (`ctx.require_person`), and
    FEATURE_NOT_ENABLED when `measure` is not in force in the caller's domicile city (a list
    declared `own_records=True` is not refused because the measure was switched off)."""
    person_id = ctx.require_person()
    person = ctx.session.get(Person, person_id)
    ctx.require_in_force(measure, (person.domicile_city if person else None) or "")
    return select(model).where(model.person_id == person_id).order_by(newest.desc(), model.id)


def renamed_mine_list(new_name: str) -> str:
    """The deprecation reason of a `my…` list's old name, pointing to `new_name` (its GraphQL
    name): one naming pattern for 'mine' lists (issue 14), and one removal date for them all."""
    return f"Use {new_name} (one naming pattern for 'mine' lists); removal on or after 2027-06-30."


def audit_unless_mine(
    ctx: Context, action: str, person_id: str | None, ref: str, purpose: str, measure: str
) -> None:
    """Audit a read of `person_id`'s record `ref` (docs/plugins.md, rule 5: `ctx.audit_read`
    with `{"purpose": purpose}`) unless the caller is that person: one's own record is not."""
    if ctx.actor.person_id != person_id:
        ctx.audit_read(action, person_id, ref, {"purpose": purpose}, measure=measure)
