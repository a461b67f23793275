"""The update-deadline job (七-一 "6月25日前要全部完成服务网点信息更新"): in the last days before
the deadline a city that has not declared its outlet data updated is reminded (its supervisors);
the day after, an undeclared city is reported overdue to its supervisors and the province's
admins (总队). Each reminder is sent once per city and round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.accounts import Account, Role
from core.clock import to_china
from core.db import stamp
from core.divisions import CITIES
from core.job_audit import record_job_run
from core.notices import Addressee
from core.outbox import notify
from core.plugin_api import JobSpec

from . import rules
from .models import DeadlineReminder, UpdateDeclaration
from .rules import MEASURE

DUE_SOON_DAYS = 5  # reminded from 6-20, the seed's own date for M20's notices in the same rollout


def _staff(session: Session, role: Role) -> list[Account]:
    """Active staff accounts holding `role`."""
    rows = session.exec(
        select(Account).where(Account.kind == "STAFF", Account.status == "ACTIVE")
    ).all()
    return [a for a in rows if role.value in (a.roles or [])]


def run(platform: Any, now: dt.datetime) -> dict[str, Any]:
    today = to_china(now).date()
    deadline = rules.UPDATE_DEADLINE
    if today < deadline - dt.timedelta(days=DUE_SOON_DAYS):
        return {"kind": None, "cities": 0}
    kind = "OVERDUE" if today > deadline else "DUE_SOON"
    prep = rules.maintenance_day(today)
    sent = 0
    overdue: dict[str, list[str]] = {}  # province -> city names, for the province's admins
    with Session(platform.engine, expire_on_commit=False) as session:
        supervisors = _staff(session, Role.SUPERVISOR)
        declared = set(
            session.exec(
                select(UpdateDeclaration.city_code).where(UpdateDeclaration.deadline == deadline)
            ).all()
        )
        for code, city in sorted(CITIES.items()):
            if code in declared:
                continue
            decide = platform.rollout.decide
            if not (decide(MEASURE, city, today).in_force or decide(MEASURE, city, prep).in_force):
                continue
            to = [a.id for a in supervisors if a.city_code == code]
            try:
                with session.begin_nested():
                    session.add(DeadlineReminder(city_code=code, deadline=deadline, kind=kind,
                                                 sent_at=stamp(now), addressees=len(to)))  # fmt: skip
                    session.flush()
            except IntegrityError:
                continue  # already reminded
            for account_id in to:
                notify(
                    session,
                    now,
                    platform.notices,
                    Addressee.account(account_id),
                    f"{MEASURE}.update_{kind.lower()}",
                    {"city": city.name, "deadline": deadline.isoformat()},
                )
            if kind == "OVERDUE":
                overdue.setdefault(city.province_code, []).append(city.name)
            sent += 1
        for admin in _staff(session, Role.PROVINCE_ADMIN):
            names = overdue.get(admin.province_code or "")
            if names:  # one notice per province admin and run, listing the overdue cities
                notify(
                    session,
                    now,
                    platform.notices,
                    Addressee.account(admin.id),
                    f"{MEASURE}.update_overdue_cities",
                    {"cities": "、".join(names), "deadline": deadline.isoformat()},
                )
        record_job_run(
            session,
            now,
            f"{MEASURE}.update_deadline_job",
            MEASURE,
            "UpdateDeclaration:*",
            {"kind": kind, "cities": sent},
        )
        session.commit()
    return {"kind": kind, "cities": sent}


DEADLINE_JOB = JobSpec(
    "precise_guidance_update_deadline",
    MEASURE,
    "daily 09:00",
    run,
    "七-一: remind cities that have not declared their outlet data updated before 6-25; report "
    "overdue cities to their supervisors and the province's admins after it.",
)
