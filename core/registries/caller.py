"""The caller's own records, read once per request.

A citizen's home screen asks for their person, licences and vehicles in several fields (`me`,
`myDrivingLicences`, `myVehicles`, the e-licence, the to-dos). Each is read here with one
SQLAlchemy Core SELECT the first time a field needs it and shared by the others for the rest of
the request (`Context.cached`), so a document costs the same statements whatever it combines and
however many vehicles the caller has. Rows are immutable Core rows with the model's column names
as attributes (`row.valid_until`), not ORM objects: writes go through the mutation's session.

Who may read what stays with the resolvers: these functions only read the caller's own records
(`ctx.require_person()`: UNAUTHENTICATED / FORBIDDEN without a person).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Row

from core.accounts import Office
from core.accounts import Person as PersonRow
from core.context import Context
from core.registries.licences import DrivingLicence as LicenceRow
from core.registries.vehicles import Vehicle as VehicleRow

_persons = PersonRow.__table__  # type: ignore[attr-defined]
_licences = LicenceRow.__table__  # type: ignore[attr-defined]
_vehicles = VehicleRow.__table__  # type: ignore[attr-defined]
_offices = Office.__table__  # type: ignore[attr-defined]

PERSON = select(_persons).where(_persons.c.id == bindparam("person_id"))
LICENCES = (
    select(_licences)
    .where(_licences.c.person_id == bindparam("person_id"))
    .order_by(_licences.c.first_issue_date, _licences.c.id)
)
VEHICLES = (
    select(_vehicles)
    .where(_vehicles.c.owner_person_id == bindparam("person_id"))
    .order_by(_vehicles.c.registered_at, _vehicles.c.id)
)
OFFICE_NAME = select(_offices.c.name).where(_offices.c.id == bindparam("office_id"))


def person(ctx: Context) -> Row[Any] | None:
    """The caller's person record (None if it is gone), or UNAUTHENTICATED / FORBIDDEN."""
    person_id = ctx.require_person()
    return ctx.cached(
        ("core.caller.person", person_id), lambda: first(ctx, PERSON, person_id=person_id)
    )


def licences(ctx: Context) -> tuple[Row[Any], ...]:
    """The caller's driving licences, oldest first issue first."""
    person_id = ctx.require_person()
    return ctx.cached(("core.caller.licences", person_id), lambda: _all(ctx, LICENCES, person_id))


def licence(ctx: Context, licence_id: str) -> Row[Any] | None:
    """One of the caller's licences by id (None if it is not theirs)."""
    return next((row for row in licences(ctx) if row.id == licence_id), None)


def vehicles(ctx: Context) -> tuple[Row[Any], ...]:
    """The vehicles the caller owns in person (not through a unit), oldest registration first."""
    person_id = ctx.require_person()
    return ctx.cached(("core.caller.vehicles", person_id), lambda: _all(ctx, VEHICLES, person_id))


def office_name(ctx: Context, office_id: str | None) -> str | None:
    """An office's name (None without an office), read once per request and office."""
    if office_id is None:
        return None
    row = ctx.cached(
        ("core.office", office_id), lambda: first(ctx, OFFICE_NAME, office_id=office_id)
    )
    return row.name if row is not None else None


def first(ctx: Context, statement: Any, **params: Any) -> Row[Any] | None:
    """The first row of a Core SELECT, on the request's session (one connection for all the
    request's reads, where `Context.fetch_one` may take a connection of its own)."""
    return ctx.session.execute(statement, params).first()


def _all(ctx: Context, statement: Any, person_id: str) -> tuple[Row[Any], ...]:
    return tuple(ctx.session.execute(statement, {"person_id": person_id}).all())
