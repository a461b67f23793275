"""M03's part of the demo data: a learner permit for a new applicant and one split-exam move."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import ExamPermit, ExamTransfer


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    learner, _account = f.citizen(
        "刘学员", birth=dt.date(2000, 4, 9), city="320100", phone="13900000301"
    )
    demo.refs["exam_learner"] = learner
    permit = ExamPermit(
        person_id=learner.id,
        licence_class="C2",
        kind="FIRST",
        issued_on=dt.date(2024, 8, 1),
        origin_city="320100",
        exam_city="320500",
        location_changes=1,
        driving_school="南京东方驾校",
        created_at=stamp(f.now),
    )
    session.add(permit)
    session.flush()
    session.add(
        ExamTransfer(
            permit_id=permit.id,
            from_city="320100",
            to_city="320500",
            driving_school="南京东方驾校",
            on_day=dt.date(2024, 8, 10),
            sequence=1,
            created_at=stamp(f.now),
        )
    )
    demo.refs["exam_permit"] = permit
