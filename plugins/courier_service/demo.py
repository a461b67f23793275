"""M16's part of the demo data: Jiangsu enables home service in Nanjing's 溧水区 with the demo
courier (中国邮政速递物流), one qualified inspector-courier and one booking."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld
from core.rollout import RolloutRule

from .models import Agreement, Booking, BookingEvent, CourierStaff, PilotArea
from .rules import MEASURE, CourierBusiness

START = dt.date(2024, 7, 1)


def load(session: Session, demo: DemoWorld) -> None:
    now = stamp(demo.factory.now)
    session.add(
        RolloutRule(
            measure=MEASURE,
            province_code="320000",
            city_code="320100",
            enabled=True,
            valid_from=START,
            source="ADMIN",
            phase="PILOT",
            note="江苏总队第一批试点 (demo)",
        )
    )
    area = PilotArea(
        province_code="320000",
        city_code="320100",
        name="溧水区",
        businesses=[b.value for b in CourierBusiness],
        valid_from=START,
        updated_at=now,
    )
    session.add(area)
    session.flush()
    org, _client = demo.refs["courier"]
    agreement = Agreement(
        partner_org_id=org.id,
        area_id=area.id,
        businesses=[b.value for b in CourierBusiness],
        valid_from=START,
        valid_until=dt.date(2026, 6, 30),
        postage_cap_yuan=20,
        data_security_terms="申请人信息仅用于本次上门业务，加密传输，业务办结后30日内删除，不得留存或向第三方提供。",
        liability_terms="牌证寄递遗失、损毁或泄露申请人信息的，由快递企业承担赔偿责任并负责补办费用。",
        updated_at=now,
    )
    staff = CourierStaff(
        partner_org_id=org.id,
        city_code="320100",
        name="邮政快递员甲",
        staff_code="EMS-NJ-001",
        qualification_no="CY320100-0001",
        qualified_until=dt.date(2026, 12, 31),
        created_at=now,
    )
    session.add(agreement)
    session.add(staff)
    session.flush()
    zhang = demo.refs["zhang"]
    booking = Booking(
        person_id=zhang.id,
        area_id=area.id,
        city_code="320100",
        partner_org_id=org.id,
        agreement_id=agreement.id,
        business=CourierBusiness.PLATE_REPLACEMENT.value,
        vehicle_id=demo.refs["zhang_moto"].id,
        vehicle_kind="MOTORCYCLE",
        address="南京市溧水区永阳街道示例路1号",
        visit_date=demo.factory.now.date() + dt.timedelta(days=3),
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.flush()
    session.add(BookingEvent(booking_id=booking.id, at=now, status="BOOKED", actor_kind="CITIZEN"))
    demo.refs.update(courier_area=area, courier_agreement=agreement, courier_staff=staff)
