"""GraphQL documents and builders shared by the M17 tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.db import stamp
from core.registries.licences import CancellationReason, LicenceStatus

from ..models import Registration

P = ["reapplication_exam"]
REGISTER = """mutation($i: ReapplicationExamRegisterInput!) { reapplicationExamRegister(input: $i) {
  errors { code field rule date } plan { registrationId case required remaining restores rules explanation } } }"""
RESULT = """mutation($i: ReapplicationExamResultInput!) { reapplicationExamResultRecord(input: $i) {
  errors { code field rule } plan { remaining passed status } } }"""
PLAN = """query($r: ID!) { reapplicationExamPlan(registrationId: $r) { case required remaining rules explanation } }"""
NOTIFY = """mutation($c: String!) { reapplicationExamTransitionNotify(city: $c) { errors { code field } notified } }"""

_SEQ = iter(range(10_000))


def holder(env, classes="C1", valid_until=dt.date(2020, 5, 1), status=LicenceStatus.CANCELLED,
           reason=CancellationReason.OVERDUE_RENEWAL):  # fmt: skip
    """A citizen with a licence of `classes` that ended on `valid_until`; a 注销 one was cancelled
    for `reason` (None: no reason on file)."""
    with env.session() as s:
        f = env.factory(s)
        f.counter += 10 * next(_SEQ)
        person, account = f.citizen("周复考", birth=dt.date(1980, 1, 1), city="320100")
        start = valid_until.replace(year=valid_until.year - 6)
        licence = f.licence(
            person,
            classes,
            dt.date(2005, 1, 1),
            "320100",
            status=status,
            valid_from=start,
            valid_years=6,
        )
        if status == LicenceStatus.CANCELLED and reason is not None:
            licence.cancellation_reason = reason.value
            s.add(licence)
        s.commit()
    return person, account, licence


def register(env, licence, classes, as_):
    return env.data(REGISTER, {"i": {"licenceId": licence.id, "classes": classes}}, as_=as_)[
        "reapplicationExamRegister"
    ]


def result(env, reg_id, subject, passed=True, as_="clerk"):
    return env.data(
        RESULT, {"i": {"registrationId": reg_id, "subject": subject, "passed": passed}}, as_=as_
    )["reapplicationExamResultRecord"]


def registrations(env):
    with env.session() as s:
        return s.exec(select(Registration)).all()


def legacy(env, licence, passed, registered=dt.date(2024, 6, 10), booked=None):
    """A registration made before 2024-07-01 by an earlier system (no operation creates one)."""
    with env.session() as s:
        row = Registration(
            person_id=licence.person_id, licence_id=licence.id, city_code="320100",
            original_classes=licence.classes, requested_classes="C1", registered_on=registered,
            subject2_booked_on=booked, passed=passed, failed=["SUBJECT2"] if "SUBJECT2" not in passed else [],
            created_at=stamp(env.clock.now()), updated_at=stamp(env.clock.now()),
        )  # fmt: skip
        s.add(row)
        s.commit()
        return row.id


REPORT = """query { report(name: "reapplication_exam_registrations", city: "320100", start: "2024-08-01", end: "2024-08-31") { rows { label values } } }"""
MINE = (
    "query { myReapplicationExamRegistrations(first: 5) { totalCount nodes { case remaining } } }"
)
MINE_OLD = (  # the deprecated name of MINE
    "query { reapplicationExamMyRegistrations(first: 5) { totalCount nodes { case remaining } } }"
)
DEMO_PLAN = (
    "query($r: ID!) { reapplicationExamPlan(registrationId: $r) { case remaining restores } }"
)
