"""M10's part of the demo data: the two demo finance firms filed nationally, one bank mortgage."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld
from core.registries import applications
from core.registries.applications import AppStatus

from . import rules
from .models import MortgageFilingRow, MortgageFinanceCompanyRow


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(session: Session, demo: DemoWorld) -> None:
    now = demo.factory.now
    admin = demo["national_admin"]
    for ref, kind in (("auto_finance", "AUTO_FINANCE"), ("finance_company", "FINANCE_COMPANY")):
        org, _client = demo[ref]
        session.add(
            MortgageFinanceCompanyRow(
                credit_code=org.credit_code,
                name=org.name,
                kind=kind,
                city_code="310100" if kind == "AUTO_FINANCE" else "220100",
                licence_copy_ref=f"demo://licence/{ref}",
                licence_copy_sha256=_sha(f"licence:{ref}"),
                seal_sha256=_sha(f"seal:{ref}"),
                seal_electronic=True,
                filed_by=admin.id,
                filed_at=stamp(now),
            )
        )
    bank, _ = demo["bank"]
    car = demo["elder_car"]
    app = applications.submit(
        session,
        now=now,
        measure=rules.MEASURE,
        business="MORTGAGE",
        city_code=car.registration_city,
        actor_account_id=None,
        subject_person_id=car.owner_person_id,
        vehicle_id=car.id,
        channel="PARTNER",
    )
    for step in (AppStatus.UNDER_REVIEW, AppStatus.APPROVED, AppStatus.COMPLETED):
        applications.transition(session, app, step, now=now, actor_account_id=None)
    session.add(
        MortgageFilingRow(
            vehicle_id=car.id,
            application_id=app.id,
            kind="MORTGAGE",
            lender_org_id=bank.id,
            lender_name=bank.name,
            lender_kind="BANK",
            licence_copy_ref="demo://licence/bank",
            licence_copy_sha256=_sha("licence:bank"),
            seal_type="ELECTRONIC",
            city_code=car.registration_city,
            filed_at=stamp(now),
            owner_person_id=car.owner_person_id,
            contract_ref="demo://contract/elder-car",
            contract_sha256=_sha("contract:elder-car"),
            contract_seal_type="ELECTRONIC",
            entrustment_ref="demo://entrustment/elder-car",
            entrustment_sha256=_sha("entrustment:elder-car"),
            entrustment_seal_type="PHYSICAL",
        )
    )
    car.mortgaged = True
    car.archive_marks = rules.with_online_mark(car.archive_marks)
    session.add(car)
    session.flush()
