"""'May I park here at this time?': window boundaries, weekends, holidays, swapped workdays."""

from __future__ import annotations

import datetime as dt

import pytest

from .helpers import CHECK, NIGHT, PLUGINS, SIGNS, ask, designate


@pytest.mark.parametrize(
    "at,allowed,reason,window,day_type",
    [
        # a Tuesday night: 19:00 start minute in, 18:59 out; 07:00 end minute out, 06:59 in
        ("2024-09-03T18:59:00+08:00", False, "OUTSIDE_WINDOWS", None, "WORKDAY"),
        ("2024-09-03T19:00:00+08:00", True, "WINDOW_MATCHED", "NIGHT 19:00-07:00", "WORKDAY"),
        ("2024-09-04T06:59:00+08:00", True, "WINDOW_MATCHED", "NIGHT 19:00-07:00", "WORKDAY"),
        ("2024-09-04T07:00:00+08:00", False, "OUTSIDE_WINDOWS", None, "WORKDAY"),
        # Friday night into Saturday: the night window, then the weekend window from 07:00
        ("2024-09-06T23:59:00+08:00", True, "WINDOW_MATCHED", "NIGHT 19:00-07:00", "WORKDAY"),
        ("2024-09-07T00:00:00+08:00", True, "WINDOW_MATCHED", "NIGHT 19:00-07:00", "WEEKEND"),
        ("2024-09-07T06:59:00+08:00", True, "WINDOW_MATCHED", "NIGHT 19:00-07:00", "WEEKEND"),
        ("2024-09-07T07:00:00+08:00", True, "WINDOW_MATCHED", "WEEKEND 07:00-19:00", "WEEKEND"),
        ("2024-09-07T12:00:00+08:00", True, "WINDOW_MATCHED", "WEEKEND 07:00-19:00", "WEEKEND"),
        # a swapped working Sunday (调休) is not a weekend; the Saturday before is
        ("2024-09-28T12:00:00+08:00", True, "WINDOW_MATCHED", "WEEKEND 07:00-19:00", "WEEKEND"),
        ("2024-09-29T12:00:00+08:00", False, "OUTSIDE_WINDOWS", None, "SWAPPED_WORKDAY"),
        (
            "2024-09-29T19:00:00+08:00",
            True,
            "WINDOW_MATCHED",
            "NIGHT 19:00-07:00",
            "SWAPPED_WORKDAY",
        ),
        ("2024-10-12T12:00:00+08:00", False, "OUTSIDE_WINDOWS", None, "SWAPPED_WORKDAY"),
        # statutory holiday (National Day) and the working day before it
        ("2024-09-30T12:00:00+08:00", False, "OUTSIDE_WINDOWS", None, "WORKDAY"),
        ("2024-10-01T12:00:00+08:00", True, "WINDOW_MATCHED", "HOLIDAY 00:00-24:00", "HOLIDAY"),
        ("2024-10-07T12:00:00+08:00", True, "WINDOW_MATCHED", "HOLIDAY 00:00-24:00", "HOLIDAY"),
        ("2024-10-08T12:00:00+08:00", False, "OUTSIDE_WINDOWS", None, "WORKDAY"),
        # another time zone is converted: 04:00 UTC is 12:00 in Beijing
        ("2024-10-01T04:00:00+00:00", True, "WINDOW_MATCHED", "HOLIDAY 00:00-24:00", "HOLIDAY"),
        # before the designation (2024-09-02 09:00) nothing was designated
        ("2024-09-01T20:00:00+08:00", False, "NOT_DESIGNATED", None, "WEEKEND"),
    ],
)
def test_answers(env_segment, at, allowed, reason, window, day_type):
    env, sid = env_segment
    got = ask(env, sid, at)
    assert (got["allowed"], got["reason"], got["dayType"]) == (allowed, reason, day_type)
    assert (got["matchedWindow"] or {}).get("label") == window
    assert got["rule"].startswith("M05 2021-五")
    assert got["message"]


def test_holiday_name_and_default_now(env_segment):
    env, sid = env_segment
    assert ask(env, sid, "2024-10-01T12:00:00+08:00")["holidayName"] == "National Day"
    env.clock.set("2024-09-03T19:30:00+08:00")
    got = ask(env, sid, None, as_="zhang_account")
    assert got["allowed"] and got["segmentVersion"] == 1


def test_night_only_segment_is_closed_on_weekend_days(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env, windows=[NIGHT])["segment"]["id"]
    assert not ask(env, sid, "2024-09-07T12:00:00+08:00")["allowed"]
    assert not ask(env, sid, "2024-10-01T12:00:00+08:00")["allowed"]


def test_weekend_window_crossing_midnight_belongs_to_its_start_day(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env, windows=[{"kind": "WEEKEND", "start": "20:00", "end": "08:00"}])[
        "segment"
    ]["id"]
    assert not ask(env, sid, "2024-09-06T20:00:00+08:00")["allowed"]  # Friday evening
    assert not ask(env, sid, "2024-09-07T07:59:00+08:00")["allowed"]  # started on Friday
    assert ask(env, sid, "2024-09-07T20:00:00+08:00")["allowed"]  # Saturday evening
    assert ask(env, sid, "2024-09-09T07:59:00+08:00")["allowed"]  # Monday, started Sunday
    assert not ask(env, sid, "2024-09-09T08:00:00+08:00")["allowed"]


def test_no_signs_no_parking_until_recorded(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env, signsInstalledOn=None, marking="SIGN_ONLY", bayCount=0)["segment"]["id"]
    got = ask(env, sid, "2024-09-03T20:00:00+08:00")
    assert got["reason"] == "SIGNS_NOT_INSTALLED" and "五-二" in got["rule"]
    out = env.data(SIGNS, {"id": sid, "on": "2024-09-02"}, as_="clerk")
    assert out["residentialParkingSignsRecord"]["segment"]["signsInstalledOn"] == "2024-09-02"
    assert ask(env, sid, "2024-09-03T20:00:00+08:00")["allowed"]
    assert ask(env, sid, "2024-09-01T20:00:00+08:00")["reason"] == "NOT_DESIGNATED"
    # signs cannot be recorded for tomorrow; other cities' clerks cannot record them
    out = env.data(SIGNS, {"id": sid, "on": "2024-09-03"}, as_="clerk")
    assert (
        out["residentialParkingSignsRecord"]["errors"][0]["code"]
        == "RESIDENTIAL_PARKING_SIGNS_DATE"
    )
    out = env.data(SIGNS, {"id": sid, "on": "2024-09-02"}, as_="clerk_sh")
    assert out["residentialParkingSignsRecord"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(SIGNS, {"id": sid, "on": "2024-09-02"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "variables,code",
    [
        ({"at": "not-a-time"}, None),
        ({"at": "1999-12-31T12:00:00+08:00"}, "INVALID_DATE"),
        ({"id": "nope"}, "NOT_FOUND"),
        ({"id": "x" * 40}, "TOO_LONG"),
    ],
)
def test_malformed_question(env_segment, variables, code):
    env, sid = env_segment
    response = env.post(CHECK, {"id": sid, "at": "2024-09-03T20:00:00+08:00", **variables})
    assert response.status_code == 200
    errors = response.json()["errors"]
    if code:
        assert errors[0]["extensions"]["code"] == code


def test_check_not_in_force(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env)["segment"]["id"]
    env.set_rollout("residential_parking", "320100", enabled=False, valid_from=dt.date(2024, 9, 2))
    body = env.gql(CHECK, {"id": sid, "at": None})
    ext = body["errors"][0]["extensions"]
    assert ext["code"] == "FEATURE_NOT_ENABLED" and ext["city"] == "320100"


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+05:00"])
def test_a_time_at_the_calendars_edge_is_bad_input_not_an_internal_error(env_segment, at):
    """Found by a new user's trial: converting these to China time (or to UTC) overflowed, and
    the check answered INTERNAL_ERROR. The DateTime scalar refuses them, as variables and inline."""
    env, sid = env_segment
    body = env.post(CHECK, {"id": sid, "at": at}).json()
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "at"}, body
    assert "years 0002 to 9998" in body["errors"][0]["message"]
    inline = f'{{ residentialParkingCheck(segmentId: "{sid}", at: "{at}") {{ allowed }} }}'
    body = env.post(inline, {}).json()
    assert body["errors"][0]["extensions"]["code"] != "INTERNAL_ERROR", body
    assert body.get("data") is None, body


@pytest.mark.parametrize("at", ["garbage", "2024-13-45T00:00:00", "2024-09-02T25:99"])
def test_a_malformed_time_is_refused_without_the_parsers_internals(env_segment, at):
    """Found by a new user's trial: "garbage" answered "... invalid literal for int() with base
    10: b'garb'", the date parser's own words."""
    env, sid = env_segment
    body = env.post(CHECK, {"id": sid, "at": at}).json()
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "at"}, body
    assert "ISO 8601" in error["message"] and "int()" not in error["message"], body
