"""Trial finding: `deregistrationScrapReport` accepted `scrappedOn: "0001-01-01"` and created a
report; only future dates were refused. A scrap date before 2000-01-01, or before the vehicle's
registration date, is refused with INVALID_DATE on `scrappedOn`, and nothing is written."""

from __future__ import annotations

import datetime as dt

from core.registries.vehicles import Vehicle
from core.testing_db import row_count, update_row

from ..models import DeregScrapReport
from .helpers import REPORT


def _report(env, car: str, day: str) -> dict:
    vin = env.refs[car].vin
    body = env.data(REPORT, {"vin": vin, "d": day, "c": "310100"}, as_=env.refs["scrapping"])
    return body["deregistrationScrapReport"]


def test_an_implausible_past_scrap_date_is_refused_and_nothing_is_written(dereg):
    env = dereg()
    assert env.refs["elder_car"].registered_at == dt.date(2012, 1, 5)
    for day in ("0001-01-01", "1999-12-31", "2012-01-04"):
        out = _report(env, "elder_car", day)
        assert out["report"] is None, (day, out)
        assert out["errors"] == [{"code": "INVALID_DATE", "field": "scrappedOn"}], (day, out)
    assert row_count(env, DeregScrapReport) == 0
    # the registration day itself is a possible scrap date
    out = _report(env, "elder_car", "2012-01-05")
    assert out["errors"] == [] and out["report"]["id"]
    assert row_count(env, DeregScrapReport) == 1


def test_the_2000_floor_holds_for_a_vehicle_registered_before_it(dereg):
    env = dereg()
    update_row(env, Vehicle, env.refs["zhang_car"].id, registered_at=dt.date(1998, 3, 1))
    out = _report(env, "zhang_car", "1999-12-31")
    assert out["errors"] == [{"code": "INVALID_DATE", "field": "scrappedOn"}]
    assert row_count(env, DeregScrapReport) == 0
    out = _report(env, "zhang_car", "2000-01-01")
    assert out["errors"] == [] and out["report"]["id"]
