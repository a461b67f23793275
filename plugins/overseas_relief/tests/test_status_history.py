"""M08 decides on the status the licence had in the relief period, from the core licence
registry's status history (issue 15 item 1), and on why it was cancelled (八-二-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.clock import CHINA_TZ
from core.registries.licences import (
    CancellationReason,
    DrivingLicence,
    LicenceStatus,
    LicenceStatusChange,
    set_status,
)

from ..models import BorderCrossing
from .helpers import P, accept, review

ABROAD = ((dt.date(2019, 12, 1), "EXIT"), (dt.date(2023, 5, 1), "ENTRY"))


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=CHINA_TZ)


def history_holder(env, changes, valid_until=dt.date(2020, 9, 1), crossings=ABROAD, seq=0):
    """A holder whose licence (valid until `valid_until`) went through `changes`: (day, status,
    reason) applied in order through the registry, each flushed as its own change."""
    with env.session() as s:
        f = env.factory(s)
        f.counter += 5000 + 10 * seq
        person, account = f.citizen("何海外", birth=dt.date(1983, 9, 9), city="320100")
        licence = f.licence(person, "C1", dt.date(2008, 9, 1), "320100",
                            valid_from=valid_until.replace(year=valid_until.year - 6), valid_years=6)  # fmt: skip
        for day, status, reason in changes:
            set_status(licence, status, at=_at(day), reason=reason)
            s.add(licence)
            s.flush()
        for day, direction in crossings:
            s.add(BorderCrossing(id_number=person.id_number, day=day, direction=direction))
        s.commit()
    return person, account, licence


def test_the_issue_scenario_restorable_in_the_period_later_cancelled(make_env):
    """Valid until 2020-09-01, abroad 2019-12-01 -> 2023-05-01, 注销可恢复 on 2021-03-01, 注销 on
    2023-03-01: applying on 2023-07-01 is accepted, decided on 注销可恢复 (the status in the
    period, 八-二-3: restored directly); old main refused it with RELIEF_CANCELLED_OUTSIDE_PERIOD."""
    env = make_env(P, now="2023-07-01")
    person, _, licence = history_holder(env, [
        (dt.date(2021, 3, 1), LicenceStatus.CANCELLED_RESTORABLE, CancellationReason.OVERDUE_RENEWAL),
        (dt.date(2023, 3, 1), LicenceStatus.CANCELLED, CancellationReason.OVERDUE_RENEWAL),
    ])  # fmt: skip
    out = accept(env, person)
    assert out["errors"] == []
    r = out["restoration"]
    assert r["licenceStatus"] == "CANCELLED_RESTORABLE" and r["needsSubject1"] is False
    assert r["lastDay"] == "2023-11-01" and "cancelled 2021-03-01" in r["explanation"]
    done = review(env, r["applicationId"])
    assert done["errors"] == [] and done["restoration"]["licence"]["status"] == "NORMAL"
    with env.session() as s:
        rows = s.exec(
            select(LicenceStatusChange)
            .where(LicenceStatusChange.licence_id == licence.id)
            .order_by(LicenceStatusChange.id)
        ).all()
        assert [(r.from_status, r.to_status, r.reason) for r in rows] == [
            (None, "NORMAL", None),
            ("NORMAL", "CANCELLED_RESTORABLE", "OVERDUE_RENEWAL"),
            ("CANCELLED_RESTORABLE", "CANCELLED", "OVERDUE_RENEWAL"),
            ("CANCELLED", "NORMAL", None),
        ]
        assert rows[-1].at.astimezone(CHINA_TZ).date() == dt.date(2023, 7, 1)
        assert s.get(DrivingLicence, licence.id).cancellation_reason is None


def test_cancelled_in_the_period_needs_subject1_even_if_the_last_change_is_later(make_env):
    """注销可恢复 2020-10-01, 注销 2021-06-01 (both in the period): 注销 held at the period's
    end, so Subject 1 first (八-二-3)."""
    env = make_env(P, now="2023-07-01")
    person, _, _ = history_holder(env, [
        (dt.date(2020, 10, 1), LicenceStatus.CANCELLED_RESTORABLE, CancellationReason.OVERDUE_RENEWAL),
        (dt.date(2021, 6, 1), LicenceStatus.CANCELLED, CancellationReason.OVERDUE_RENEWAL),
    ], seq=1)  # fmt: skip
    out = accept(env, person)
    assert out["errors"] == [] and out["restoration"]["needsSubject1"] is True
    assert out["restoration"]["licenceStatus"] == "CANCELLED"


def test_cancelled_only_after_the_period_is_refused(make_env):
    """Still 正常 on 2021-12-31, 注销 on 2022-01-01: outside the period (八-二-1)."""
    env = make_env(P, now="2023-07-01")
    person, _, _ = history_holder(env, [
        (dt.date(2022, 1, 1), LicenceStatus.CANCELLED, CancellationReason.OVERDUE_RENEWAL),
    ], seq=2)  # fmt: skip
    out = accept(env, person)
    assert out["errors"][0]["code"] == "RELIEF_CANCELLED_OUTSIDE_PERIOD"
    assert "八-二-1" in out["errors"][0]["rule"] and out["restoration"] is None


def test_cancelled_on_the_last_day_of_the_period_qualifies(make_env):
    env = make_env(P, now="2023-07-01")
    person, _, _ = history_holder(env, [
        (dt.date(2021, 12, 31), LicenceStatus.CANCELLED, CancellationReason.OVERDUE_REVIEW),
    ], seq=3)  # fmt: skip
    assert accept(env, person)["errors"] == []


def test_cancelled_at_the_holders_request_is_refused(make_env):
    """A licence cancelled in the period at the holder's request is not one the relief covers."""
    env = make_env(P, now="2023-07-01")
    person, _, _ = history_holder(env, [
        (dt.date(2021, 3, 1), LicenceStatus.CANCELLED, CancellationReason.HOLDER_REQUEST),
    ], seq=4)  # fmt: skip
    out = accept(env, person)
    assert out["errors"][0]["code"] == "RELIEF_CANCELLED_FOR_OTHER_REASON"
    assert out["restoration"] is None


def test_a_cancellation_needs_its_reason():
    licence = DrivingLicence(
        person_id="p", file_number="f", classes="C1", first_issue_date=dt.date(2010, 1, 1),
        valid_from=dt.date(2010, 1, 1), valid_until=dt.date(2016, 1, 1), issuing_city="320100",
        updated_at=_at(dt.date(2020, 1, 1)),
    )  # fmt: skip
    with pytest.raises(ValueError, match="reason"):
        set_status(licence, LicenceStatus.CANCELLED, at=_at(dt.date(2021, 1, 1)))
    assert licence.status == "NORMAL"
