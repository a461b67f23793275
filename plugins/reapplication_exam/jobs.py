"""Scheduled job of M17: send the transition notice (五-三) without waiting for a clerk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from core import outbox
from core.clock import to_china
from core.db import stamp
from core.divisions import CITIES

from . import rules
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
