"""M11's part of the demo data: 交强险 policies for the demo cars, one expired."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import InsuranceCheckPolicyRow


def load(session: Session, demo: DemoWorld) -> None:
    now = demo.factory.now
    today = now.date()
    insurer = demo["insurer"][0].name
    rows = [
        ("zhang_car", "PDAA2024320100000001", today - dt.timedelta(days=100), 365),
        ("li_car", "PDAA2024310100000002", today - dt.timedelta(days=10), 365),
        ("elder_car", "PDAA2023320100000003", today - dt.timedelta(days=400), 365),  # expired
    ]
    for ref, number, start, days in rows:
        session.add(
            InsuranceCheckPolicyRow(
                vin=demo[ref].vin,
                policy_number=number,
                insurer_name=insurer,
                valid_from=start,
                valid_until=start + dt.timedelta(days=days - 1),
                updated_at=stamp(now),
            )
        )
    session.flush()
