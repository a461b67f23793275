"""M08's part of the demo data: a holder whose licence was cancelled while abroad, back in 2021."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.clock import CHINA_TZ
from core.demo import DemoWorld
from core.registries.licences import CancellationReason, LicenceStatus, set_status

from .models import BorderCrossing


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    person, _ = f.citizen("何海外", birth=dt.date(1983, 9, 9), city="320100", phone="13900000801")
    licence = f.licence(
        person, "C1", dt.date(2008, 9, 1), "320100", valid_from=dt.date(2014, 9, 1), valid_years=6
    )
    set_status(
        licence, LicenceStatus.CANCELLED_RESTORABLE, reason=CancellationReason.OVERDUE_RENEWAL,
        at=dt.datetime(2021, 10, 1, 9, tzinfo=CHINA_TZ),
    )  # fmt: skip
    session.add(licence)
    session.add(
        BorderCrossing(id_number=person.id_number, day=dt.date(2019, 12, 1), direction="EXIT")
    )
    session.add(
        BorderCrossing(id_number=person.id_number, day=dt.date(2021, 11, 20), direction="ENTRY")
    )
    demo.refs["relief_holder"] = person
