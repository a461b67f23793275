"""M02's part of the demo data: a Suzhou car sold to Zhang (Nanjing), traded in Nanjing, submitted;
and a Suzhou (320500, the transfer-out city) clerk, so the two offices' ticket flow can be tried
(the Nanjing clerk raises an office ticket on the application, the Suzhou clerk answers)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.db import stamp
from core.demo import DemoWorld
from core.registries import applications

from .models import UsedCarTransferRow
from .rules import MEASURE, Channel, Route, TransferStatus


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    seller, _ = f.citizen("周敏", birth=dt.date(1979, 4, 12), city="320500", phone="13900000201")
    car = f.vehicle(seller, city="320500", registered=dt.date(2017, 8, 1))
    buyer = demo["zhang"]
    demo.refs["clerk_sz"] = f.staff(
        "clerk.sz", [Role.CLERK], "320500", office=demo["office:320500"], name="苏州窗口"
    )
    app = applications.submit(
        session,
        now=f.now,
        measure=MEASURE,
        business="CROSS_REGION_TRANSFER",
        city_code="320100",
        actor_account_id=demo["zhang_account"].id,
        applicant_person_id=buyer.id,
        subject_person_id=buyer.id,
        vehicle_id=car.id,
        channel=Channel.ONLINE.value,
        data={
            "route": Route.TRADED_IN_TRANSFER_IN_CITY.value,
            "from_city": "320500",
            "to_city": "320100",
        },
    )
    session.add(
        UsedCarTransferRow(
            application_id=app.id,
            vehicle_id=car.id,
            seller_person_id=seller.id,
            buyer_person_id=buyer.id,
            from_city="320500",
            to_city="320100",
            trade_city="320100",
            handling_city="320100",
            route=Route.TRADED_IN_TRANSFER_IN_CITY.value,
            channel=Channel.ONLINE.value,
            status=TransferStatus.SUBMITTED.value,
            invoice_number="32010024000001",
            invoice_date=f.now.date(),
            plate_before=car.plate,
            submitted_at=stamp(f.now),
            updated_at=stamp(f.now),
        )
    )
    session.flush()
    demo.refs["used_car_transfer_demo_car"] = car
