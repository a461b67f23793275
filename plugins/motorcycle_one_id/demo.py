"""M14's part of the demo data: a Suzhou-domiciled citizen's pending cross-city registration in Nanjing."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.demo import DemoWorld
from core.registries import applications as apps

from .models import MotorcycleCase
from .rules import MEASURE, ApplicantCategory, Business, required_documents


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    rider, _account = f.citizen(
        "刘骑手", birth=dt.date(1995, 4, 9), city="320500", phone="13900000141"
    )
    decision = required_documents(
        Business.REGISTRATION,
        "MOTORCYCLE_2W",
        ApplicantCategory.MAINLAND_RESIDENT,
        "320500",
        "320100",
        None,
    )
    app = apps.submit(
        session,
        now=f.now,
        measure=MEASURE,
        business=Business.REGISTRATION.value,
        city_code="320100",
        actor_account_id=None,
        applicant_person_id=rider.id,
        subject_person_id=rider.id,
        office_id=demo.refs["office:320100"].id,
        data={"crossCity": True},
    )
    session.add(
        MotorcycleCase(
            application_id=app.id,
            business=Business.REGISTRATION.value,
            vehicle_category="MOTORCYCLE_2W",
            applicant_category=decision.applicant.value,
            home_city="320500",
            cross_city=True,
            vin="LMC4DEM0A00000141",
            open_vin="LMC4DEM0A00000141",
            documents=[d.__dict__ for d in decision.documents],
        )
    )
    demo.refs["moto_rider"] = rider
    demo.refs["moto_application"] = app
