"""M09's part of the demo data: one active online entrustment and one used paper entrustment."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import EntrustmentGrant


def load(session: Session, demo: DemoWorld) -> None:
    """Zhang entrusts Li to replace his car's plates; Wang (the elder) used a paper entrustment."""
    now = demo.factory.now
    today = now.date()
    zhang, li, elder = demo["zhang"], demo["li"], demo["elder"]
    session.add(
        EntrustmentGrant(
            kind="ONLINE",
            business="REPLACE_PLATES",
            owner_person_id=zhang.id,
            vehicle_id=demo["zhang_car"].id,
            city_code=demo["zhang_car"].registration_city,
            agent_id_type=li.id_type,
            agent_id_number=li.id_number,
            agent_name=li.name,
            valid_from=today,
            valid_until=today + dt.timedelta(days=30),
            created_by_account_id=demo["zhang_account"].id,
            created_at=stamp(now),
        )
    )
    session.add(
        EntrustmentGrant(
            kind="PAPER",
            business="HEALTH_CERTIFICATE",
            owner_person_id=elder.id,
            licence_id=demo["elder_licence"].id,
            city_code=demo["elder_licence"].issuing_city,
            agent_id_type=zhang.id_type,
            agent_id_number=zhang.id_number,
            agent_name=zhang.name,
            valid_from=today,
            valid_until=today,
            paper_document_sha256=hashlib.sha256(b"demo paper entrustment").hexdigest(),
            created_by_account_id=demo["clerk"].id,
            created_at=stamp(now),
            used_at=stamp(now),
            used_by_account_id=demo["clerk"].id,
        )
    )
    session.flush()
