"""M15's part of the demo data: a pending scrap report for the elder's old car (Nanjing), sent
by the demo scrapping firm, so the clerk's console shows one case due within a day."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import DeregScrapReport


def load(session: Session, demo: DemoWorld) -> None:
    car, now = demo.refs["elder_car"], demo.factory.now
    org, _client = demo.refs["scrapping"]
    demo.refs["elder_car_scrap_report"] = report = DeregScrapReport(
        vehicle_id=car.id,
        registration_city=car.registration_city,
        scrap_city="320500",
        reporter_org_id=org.id,
        recycling_certificate_no="HS-DEMO-0001",
        scrapped_on=now.date() - dt.timedelta(days=1),
        received_at=stamp(now),
        received_on=now.date(),
    )
    session.add(report)
