"""M01's part of the demo data: Zhang's e-licence is issued (from an approved application)."""

from __future__ import annotations

from sqlmodel import Session

from core.demo import DemoWorld
from core.documents import credentials as cred
from core.registries import applications as apps

from . import rules


def load(session: Session, demo: DemoWorld) -> None:
    licence = demo.refs["zhang_licence"]
    now = demo.factory.now
    app = apps.submit(
        session,
        now=now,
        measure=rules.MEASURE,
        business="E_DRIVING_LICENCE_ISSUE",
        city_code=licence.issuing_city,
        actor_account_id=demo.refs["zhang_account"].id,
        applicant_person_id=licence.person_id,
        subject_person_id=licence.person_id,
        licence_id=licence.id,
        data={"photoSha256": "0" * 64},
    )
    clerk = demo.refs["clerk"].id
    for to in (apps.AppStatus.UNDER_REVIEW, apps.AppStatus.APPROVED, apps.AppStatus.COMPLETED):
        apps.transition(session, app, to, now=now, actor_account_id=clerk)
    demo.refs["zhang_e_licence"] = cred.issue(session, now, "DL", licence.id, licence.person_id)
