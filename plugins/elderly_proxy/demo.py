"""M06's part of the demo data: Zhang's approved proxy application for the elder's plates."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld
from core.identity import age_on
from core.registries import applications
from core.registries.applications import AppStatus

from .models import ElderProxyAuthorisation
from .rules import MEASURE


def load(session: Session, demo: DemoWorld) -> None:
    """Zhang applies for Wang Xiuying (born 1955) to replace her car's plates; a clerk approved."""
    now = demo.factory.now
    elder, zhang, car = demo["elder"], demo["zhang"], demo["elder_car"]
    app = applications.submit(
        session,
        now=now,
        measure=MEASURE,
        business="REPLACE_PLATES",
        city_code=car.registration_city,
        actor_account_id=demo["zhang_account"].id,
        applicant_person_id=zhang.id,
        subject_person_id=elder.id,
        vehicle_id=car.id,
        channel="ONLINE",
        data={"kind": "ELDER_PROXY", "liveness_check_ref": "demo-liveness-0001"},
    )
    clerk = demo["clerk"].id
    applications.transition(session, app, AppStatus.UNDER_REVIEW, now=now, actor_account_id=clerk)
    applications.transition(session, app, AppStatus.APPROVED, now=now, actor_account_id=clerk)
    session.add(
        ElderProxyAuthorisation(
            id=app.id,
            relative_person_id=zhang.id,
            elder_person_id=elder.id,
            business="REPLACE_PLATES",
            vehicle_id=car.id,
            city_code=car.registration_city,
            elder_id_type=elder.id_type,
            liveness_check_ref="demo-liveness-0001",
            id_document_sha256=hashlib.sha256(b"demo elder id").hexdigest(),
            applied_on=now.date(),
            elder_age_on_application=age_on(elder.birth_date, now.date()),
            created_at=stamp(now),
        )
    )
    session.flush()
