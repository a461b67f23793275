"""M20's part of the demo data: the demo unit's filed legal person, an admin, a filed driver, a
violation, and a small set of legacy accounts for the clean-up (one duplicate per identity)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import UnitRole
from core.clock import CHINA_TZ
from core.db import stamp
from core.demo import DemoWorld
from core.registries.vehicles import FiledDriver, Violation

from .models import LegacyUnitAccount, UnitFile


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    r = demo.refs
    unit = r["unit"]
    session.add(UnitFile(unit_id=unit.id, legal_person_id=r["zhang"].id, recorded_at=stamp(f.now)))
    admin, admin_account = f.citizen("刘管理", city="320100", phone="13920200801")
    r["unit_admin_person"], r["unit_admin_account"] = admin, admin_account
    r["unit_admin"] = f.unit_member(unit, admin, UnitRole.ADMIN)
    session.add(
        FiledDriver(
            vehicle_id=r["unit_car"].id,
            person_id=r["li"].id,
            filed_at=stamp(dt.datetime(2023, 3, 1, 9, tzinfo=CHINA_TZ)),
        )
    )
    session.add(
        Violation(
            vehicle_id=r["unit_truck"].id,
            occurred_at=stamp(dt.datetime(2024, 8, 20, 8, 30, tzinfo=CHINA_TZ)),
            city_code="320100",
            description="机动车违反禁令标志指示",
            points=3,
            fine_yuan=200,
        )
    )
    other_unit = f.unit("南京畅达物流有限公司", "320100")
    r["unit_other"] = other_unit
    legacy = [
        (unit, r["zhang"], dt.datetime(2019, 4, 1, 10), "PRIMARY"),
        (unit, r["li"], dt.datetime(2020, 5, 6, 11), "SUB"),
        (unit, r["li"], dt.datetime(2022, 8, 9, 15), "SUB"),  # duplicate identity: older one goes
        (other_unit, r["elder"], dt.datetime(2021, 1, 4, 9), "PRIMARY"),
    ]
    for target, person, when, role in legacy:
        session.add(
            LegacyUnitAccount(
                unit_id=target.id,
                person_id=person.id,
                legacy_role=role,
                registered_at=stamp(when.replace(tzinfo=CHINA_TZ)),
            )
        )
    session.flush()
