"""Scheduled jobs of M17: the notices of 五-三 without waiting for a clerk: to applicants
registered before the change, and to holders of qualifying licences who have not registered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists
from sqlmodel import Session, select

from core import outbox
from core.clock import to_china
from core.db import stamp
from core.divisions import CITIES
from core.registries.licences import CancellationReason, DrivingLicence, LicenceStatus

from . import rules
from .models import ProspectNotice, Registration
from .rules import MEASURE
from .service import TEMPLATE, notice_params, pending_notices


def transition_notices(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Queue the notice for every pending registration whose city has the measure on 2024-07-01
    (or today, if later); cities without it are left for later and named in the summary."""
    today = to_china(now).date()
    sent, skipped = 0, set()
    with Session(platform.engine) as session:
        for row in pending_notices(session):
            city = CITIES.get(row.city_code)
            day = max(today, rules.EFFECTIVE)
            if city is None or not platform.rollout.decide(MEASURE, city, day).in_force:
                skipped.add(row.city_code)
                continue
            outbox.notify(
                session, now, platform.notices, row.person_id, TEMPLATE, notice_params(row, today)
            )
            row.transition_notified_at = stamp(now)
            session.add(row)
            sent += 1
        session.commit()
    return {"notified": sent, "cities_not_in_force": sorted(skipped)}


PROSPECT = f"{MEASURE}.prospect"


def prospect_notices(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Tell each holder of a licence the measure covers who has not registered for it (五-三
    "对新措施实施前拟报名注销恢复驾驶资格考试…的申请人，要针对性加强告知提醒，提示新措施实施时间及
    主要内容"), once per licence: status 注销 for 逾期未换证 (`OVERDUE_RENEWAL`), validity ended
    more than three years before the day the measure applies (2024-07-01, or today if later), a
    small-car class, no registration of that licence, the measure in force in the licence's city
    on that day. The notice may go out before 2024-07-01: it announces the change. Returns
    {"notified": n, "cities_not_in_force": [...]}."""
    today = to_china(now).date()
    day = max(today, rules.EFFECTIVE)
    cutoff = rules.add_years(day, -rules.OVERDUE_YEARS)  # valid_until before it: 3 years over
    registered = exists().where(Registration.licence_id == DrivingLicence.id)
    told = exists().where(ProspectNotice.licence_id == DrivingLicence.id)
    sent, skipped = 0, set()
    with Session(platform.engine) as session:
        rows = session.exec(
            select(DrivingLicence)
            .where(
                DrivingLicence.status == LicenceStatus.CANCELLED.value,
                DrivingLicence.cancellation_reason == CancellationReason.OVERDUE_RENEWAL.value,
                DrivingLicence.valid_until <= cutoff,
                ~registered,
                ~told,
            )
            .order_by(DrivingLicence.id)
        ).all()
        for licence in rows:
            if not (
                rules.covers_small_car(set(licence.class_list()))
                and rules.overdue_three_years(licence.valid_until, day)
            ):
                continue
            city = CITIES.get(licence.issuing_city)
            if city is None or not platform.rollout.decide(MEASURE, city, day).in_force:
                skipped.add(licence.issuing_city)
                continue
            params = {
                "effective": rules.EFFECTIVE.isoformat(),
                "classes": licence.classes,
                "rule": rules.RULE_SCOPE,
            }
            outbox.notify(session, now, platform.notices, licence.person_id, PROSPECT, params)
            session.add(
                ProspectNotice(
                    licence_id=licence.id,
                    person_id=licence.person_id,
                    city_code=licence.issuing_city,
                    notified_at=stamp(now),
                )
            )
            sent += 1
        session.commit()
    return {"notified": sent, "cities_not_in_force": sorted(skipped)}
