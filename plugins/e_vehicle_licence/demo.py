"""M13's part of the demo data: Zhang's car has an e-vehicle licence; Li is a filed user with a grant."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld
from core.documents import credentials as cred
from core.registries.vehicles import FiledDriver

from .models import EvlGrant


def load(session: Session, demo: DemoWorld) -> None:
    car, now = demo.refs["zhang_car"], demo.factory.now
    demo.refs["zhang_car_e_licence"] = cred.issue(session, now, "VL", car.id, car.owner_person_id)
    filed = FiledDriver(vehicle_id=car.id, person_id=demo.refs["li"].id, filed_at=stamp(now))
    session.add(filed)
    session.flush()
    session.add(
        EvlGrant(
            vehicle_id=car.id,
            owner_person_id=car.owner_person_id,
            grantee_person_id=filed.person_id,
            filed_driver_id=filed.id,
            filed_at=filed.filed_at,
            created_at=stamp(now),
            valid_until=now.date() + dt.timedelta(days=180),
        )
    )
