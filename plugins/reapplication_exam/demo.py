"""M17's part of the demo data: a licence cancelled after 3 years overdue, and a registration
made before 2024-07-01 that the transition rules cover."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld
from core.registries.licences import CancellationReason, LicenceStatus

from .models import Registration


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    person, _account = f.citizen(
        "孙复考", birth=dt.date(1975, 1, 20), city="320100", phone="13900001701"
    )
    licence = f.licence(
        person, "C1 C6", dt.date(2002, 3, 1), "320100",
        status=LicenceStatus.CANCELLED, valid_from=dt.date(2014, 3, 1), valid_years=6,
    )  # fmt: skip
    licence.cancellation_reason = CancellationReason.OVERDUE_RENEWAL.value
    session.add(licence)
    demo.refs["reapply_person"] = person
    demo.refs["reapply_licence"] = licence
    session.add(
        Registration(
            person_id=person.id,
            licence_id=licence.id,
            city_code="320100",
            original_classes="C1 C6",
            requested_classes="C1 C6",
            registered_on=dt.date(2024, 6, 10),
            subject2_booked_on=dt.date(2024, 6, 20),
            passed=["SUBJECT1"],
            created_at=stamp(f.now),
            updated_at=stamp(f.now),
        )
    )
