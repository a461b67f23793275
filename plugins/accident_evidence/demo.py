"""M12's part of the demo data: one general-procedure accident in Nanjing with evidence."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import AccidentCase, AccidentParty, EvidenceItem
from .rules import Confidentiality, EvidenceKind, OfferStatus, Procedure


def load(session: Session, demo: DemoWorld) -> None:
    """An accident between 张伟 and 王秀英 (Nanjing), determination delivered, evidence approved
    except a confidential witness statement. The officer issues access codes through the API."""
    now = demo.factory.now
    zhang, elder = demo["zhang"], demo["elder"]
    case = AccidentCase(
        accident_number="3201002024000123",
        city_code="320100",
        procedure=Procedure.GENERAL.value,
        occurred_on=dt.date(2024, 8, 1),
        summary="两车追尾，无人员死亡",
        determination_delivered_on=dt.date(2024, 8, 20),
        officer_account_id=demo["accident_officer"].id,
        created_at=stamp(now),
    )
    session.add(case)
    session.flush()
    for person in (zhang, elder):
        session.add(
            AccidentParty(
                case_id=case.id,
                name=person.name,
                id_type=person.id_type,
                id_number=person.id_number,
                person_id=person.id,
            )
        )
    items = [
        (EvidenceKind.SCENE_DIAGRAM, "交通事故现场图", Confidentiality.NONE, OfferStatus.APPROVED),
        (EvidenceKind.SCENE_PHOTO, "现场照片（12张）", Confidentiality.NONE, OfferStatus.APPROVED),
        (EvidenceKind.SURVEY_RECORD, "现场勘查笔录", Confidentiality.NONE, OfferStatus.PENDING),
        (
            EvidenceKind.WITNESS_STATEMENT,
            "证人询问笔录",
            Confidentiality.WITNESS_CONFIDENTIAL,
            OfferStatus.NOT_OFFERED,
        ),
    ]
    for kind, title, secret, status in items:
        content = f"[demo] {title}"
        session.add(
            EvidenceItem(
                case_id=case.id,
                kind=kind.value,
                title=title,
                content=content,
                sha256=hashlib.sha256(content.encode()).hexdigest(),
                confidentiality=secret.value,
                offer_status=status.value,
                recorded_at=stamp(now),
            )
        )
    session.flush()
