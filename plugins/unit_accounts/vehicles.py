"""The unit's vehicles, their filed drivers, status and violations, for members (八-三)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from core.accounts import Person
from core.registries.vehicles import FiledDriver, Vehicle, Violation


@dataclass
class VehicleBundle:
    """A vehicle with what a member sees about it."""

    vehicle: Vehicle
    drivers: list[tuple[FiledDriver, Person]]
    violations: list[Violation]


def unit_vehicles_query(unit_id: str):  # noqa: ANN201 - a SQLModel select
    return (
        select(Vehicle).where(Vehicle.owner_unit_id == unit_id).order_by(Vehicle.plate, Vehicle.id)
    )


def bundle(session: Session, vehicles: list[Vehicle]) -> list[VehicleBundle]:
    """Filed drivers and violations of a page of vehicles, two queries in all."""
    ids = [v.id for v in vehicles]
    drivers: dict[str, list[tuple[FiledDriver, Person]]] = defaultdict(list)
    violations: dict[str, list[Violation]] = defaultdict(list)
    if ids:
        for filed, person in session.exec(
            select(FiledDriver, Person)
            .join(Person, Person.id == FiledDriver.person_id)
            .where(FiledDriver.vehicle_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(FiledDriver.filed_at)
        ).all():
            drivers[filed.vehicle_id].append((filed, person))
        for violation in session.exec(
            select(Violation)
            .where(Violation.vehicle_id.in_(ids))  # type: ignore[union-attr]
            .order_by(Violation.occurred_at.desc())  # type: ignore[attr-defined]
        ).all():
            violations[violation.vehicle_id or ""].append(violation)
    return [VehicleBundle(v, drivers[v.id], violations[v.id]) for v in vehicles]
