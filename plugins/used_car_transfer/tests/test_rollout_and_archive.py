"""M02 rollout phases (二-二), the pilot-pair rule, 退档 (二-四) and the concentration report."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts import Role
from core.divisions import CITIES
from core.registries.vehicles import Vehicle
from core.rollout import RolloutRule, decide
from core.testing_db import row_count, write_setting
from core.web.report_labels import translate, untranslated

from .. import rules
from ..models import UsedCarTransferRow
from ..rollout import defaults
from .helpers import (
    PLUGINS,
    REPORT,
    RETURN,
    SETTING,
    apply,
    cars,
    citizen,
    id_number,
    inspect,
    register,
    staff,
    transfer_count,
)


def _rules() -> list[RolloutRule]:
    return [
        RolloutRule(
            measure="m",
            province_code=d.province_code,
            city_code=d.city_code,
            valid_from=d.valid_from,
            enabled=d.enabled,
            phase=d.phase,
        )
        for d in defaults()
    ]


RULES = _rules()


@given(st.dates(dt.date(2020, 1, 1), dt.date(2024, 1, 1)))
@settings(max_examples=60, deadline=None)
def test_default_rollout_phases(day):
    """Pilot city from 2021-06-01, other major city from 2021-09-01, any city from 2022-06-30."""
    assert decide(RULES, "m", CITIES["320100"], day).in_force is (day >= rules.PILOT_FROM)
    assert decide(RULES, "m", CITIES["110100"], day).in_force is (day >= rules.MAJOR_FROM)
    assert decide(RULES, "m", CITIES["130600"], day).in_force is (day >= rules.NATIONWIDE_FROM)


def test_all_pilot_cities_are_in_the_division_table():
    assert len(rules.PILOT_CITIES) == 20 and all(c in CITIES for c in rules.PILOT_CITIES)


@pytest.mark.parametrize("day,ok", [("2021-08-31", False), ("2021-09-01", True)])
def test_pilot_to_major_city_pair(make_env, day, ok):
    """Chen (Beijing) buys Zhang's Nanjing car in Nanjing: Beijing joins on 2021-09-01."""
    env = make_env(PLUGINS, now=day)
    chen_id = id_number(env, env.refs["chen"])
    out = apply(env, env.refs["zhang_car"], "320100", as_="clerk", buyerIdNumber=chen_id)
    if ok:
        assert out["errors"] == []
    else:
        err = out["errors"][0]
        assert (err["code"], err["city"]) == ("PILOT_PAIR_REQUIRED", "110100")
        assert "二-二-1" in err["rule"]
        assert transfer_count(env) == 0


@pytest.mark.parametrize("day,ok", [("2022-06-29", False), ("2022-06-30", True)])
def test_nationwide_date(make_env, day, ok):
    env = make_env(PLUGINS, now=day)
    person, _ = citizen(env, "赵强", "130600")
    out = apply(
        env, env.refs["zhang_car"], "320100", as_="clerk", buyerIdNumber=id_number(env, person)
    )
    assert (out["errors"] == []) is ok
    if not ok:
        assert out["errors"][0]["code"] == "PILOT_PAIR_REQUIRED"


def test_handling_city_not_in_force_is_feature_not_enabled(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    # Chen (Beijing) buys Zhang's car, traded in Beijing: Beijing is the handling city, not yet on
    out = apply(env, env.refs["zhang_car"], "110100", as_="chen_account")
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert out["errors"][0]["city"] == "110100"


@pytest.mark.parametrize(
    "reason,rule",
    [
        ("NO_PAPER_ARCHIVE", "二-四-2"),
        ("MISSING_PAPER_MORTGAGE_DOCUMENTS", "十-一"),
        ("INCOMPLETE_ARCHIVE", "二-四-1"),
        ("COMMUNICATION_PROBLEM", "二-四-1"),
        ("OTHER", "二-四-1"),
    ],
)
def test_archive_return_is_forbidden_without_suspicion(make_env, reason, rule):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    body = env.gql(RETURN, {"t": t["id"], "r": reason, "n": "说明"}, as_="clerk")
    err = body["data"]["usedCarTransferArchiveReturn"]["errors"][0]
    assert err["code"] == "ARCHIVE_RETURN_FORBIDDEN" and rule in err["rule"]
    with env.session() as s:
        assert s.get(UsedCarTransferRow, t["id"]).status == "SUBMITTED"


@pytest.mark.parametrize(
    "reason", ["STOLEN", "ROBBED", "DEFRAUDED", "SMUGGLED", "ILLEGALLY_ASSEMBLED"]
)
def test_archive_return_for_suspected_vehicles(make_env, reason):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    inspect(env, t["id"], suspicion=reason)
    wrong = env.gql(RETURN, {"t": t["id"], "r": reason, "n": "嫌疑"}, as_="clerk_sh")
    assert wrong["data"]["usedCarTransferArchiveReturn"]["errors"][0]["code"] == (
        "OUT_OF_JURISDICTION"
    )
    body = env.gql(RETURN, {"t": t["id"], "r": reason, "n": "嫌疑"}, as_="clerk")
    out = body["data"]["usedCarTransferArchiveReturn"]
    assert out["errors"] == [] and out["transfer"]["status"] == "ARCHIVE_RETURNED"


def test_car_without_paper_archive_transfers_again(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    t = apply(env, car, "320100")["transfer"]
    inspect(env, t["id"])
    register(env, t["id"], plate="苏A9X001")
    with env.session() as s:
        moved = s.get(Vehicle, car.id)
        assert moved.paper_archive is False
    # Li (Shanghai) buys it back, traded in Shanghai, applies online
    again = apply(env, moved, "310100", as_="li_account")
    assert again["errors"] == []
    refusal = env.gql(
        RETURN,
        {"t": again["transfer"]["id"], "r": "NO_PAPER_ARCHIVE", "n": "无纸档"},
        as_="clerk_sh",
    )["data"]["usedCarTransferArchiveReturn"]
    assert refusal["errors"][0]["code"] == "ARCHIVE_RETURN_FORBIDDEN"
    sh_inspector = staff(env, "inspector.sh", Role.INSPECTOR, "310100")
    assert inspect(env, again["transfer"]["id"], as_=sh_inspector)["errors"] == []
    done = register(env, again["transfer"]["id"], plate="沪B12345", as_="clerk_sh")
    assert done["errors"] == [] and done["transfer"]["status"] == "REGISTERED"


def test_concentration_report_flags_a_busy_pair_and_dealer(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    dealer = env.refs["unit"].credit_code
    for car in cars(env, 5):
        assert apply(env, car, "320100", dealerCreditCode=dealer)["errors"] == []
    v = {
        "n": "used_car_transfer.concentration",
        "c": "320100",
        "s": "2021-06-01",
        "e": "2021-07-31",
    }
    report = env.data(REPORT, v, as_="supervisor")["report"]
    rows = {
        r["label"]: dict(zip(report["columns"], r["values"], strict=True)) for r in report["rows"]
    }
    assert rows["PAIR_IN 310100->320100"]["flagged"] == "YES"
    assert rows[f"DEALER {dealer}"]["transfers"] == "5"
    # the province console shows the row labels, kinds and flags in Chinese
    console = env.http.get("/console/labels.json").json()
    coded = [r["label"] for r in report["rows"]] + [
        f[c] for f in rows.values() for c in ("kind", "flagged")
    ]
    assert untranslated(console, v["n"], coded) == set()
    assert translate(console, v["n"], "PAIR_IN 310100->320100") == "转入（城市对） 310100->320100"
    # a province raises the threshold: no longer flagged
    write_setting(env, "used_car_transfer", "320000", "concentration_threshold", 6)
    report = env.data(REPORT, v, as_="supervisor")["report"]
    assert all(r["values"][-1] == "NO" for r in report["rows"])
    # a period that ends before the transfers: empty
    v2 = {**v, "e": "2021-06-30"}
    assert env.data(REPORT, v2, as_="supervisor")["report"]["rows"] == []
    # another city's report is out of the supervisor's jurisdiction; citizens may not read reports
    body = env.gql(REPORT, {**v, "c": "310100"}, as_="supervisor")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert env.gql(REPORT, v, as_="zhang_account")["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_concentration_settings_nationwide_province_and_refused(make_env):
    """The report reads its settings for the city concerned: a nationwide value counts too (the
    report's own reader used to skip "*"), a province value beats it, a bad value is refused."""
    env = make_env(PLUGINS, now="2021-07-01")
    for car in cars(env, 5):
        assert apply(env, car, "320100")["errors"] == []
    v = {
        "n": "used_car_transfer.concentration",
        "c": "320100",
        "s": "2021-06-01",
        "e": "2021-07-31",
    }

    def flagged() -> bool:
        rows = env.data(REPORT, v, as_="supervisor")["report"]["rows"]
        return any(r["values"][-1] == "YES" for r in rows)

    def put(scope, value, who="national_admin"):
        k = "concentration_threshold"
        return env.data(SETTING, {"s": scope, "k": k, "v": value}, as_=who)["measureSettingSet"]

    assert flagged()  # 5 transfers, default threshold 5
    assert put("*", 6)["errors"] == []
    assert not flagged()
    assert put("320000", 5, who="province_admin")["errors"] == []
    assert flagged()
    for bad in (1, 1001, "6", 5.5, False):
        assert put("320000", bad, who="province_admin")["errors"] == [
            {"code": "INVALID_INPUT", "field": "value"}
        ], bad
    assert flagged()  # the province value stands


def test_max_in_window_counts_inclusive_windows():
    t0 = dt.datetime(2021, 7, 1, 9)
    times = [t0, t0 + dt.timedelta(days=7), t0 + dt.timedelta(days=7, seconds=1)]
    assert rules.max_in_window(times, dt.timedelta(days=7)) == 2
    assert rules.max_in_window([], dt.timedelta(days=7)) == 0


@given(st.lists(st.integers(0, 10_000), max_size=30), st.integers(0, 50))
@settings(max_examples=60, deadline=None)
def test_max_in_window_property(minutes, width):
    t0 = dt.datetime(2021, 7, 1)
    times = [t0 + dt.timedelta(minutes=m) for m in minutes]
    window = dt.timedelta(minutes=width)
    brute = max((sum(1 for u in times if t <= u <= t + window) for t in times), default=0)
    assert rules.max_in_window(times, window) == brute


def test_no_transfer_rows_leak_between_tests(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert row_count(env, UsedCarTransferRow) == 0


def test_register_rechecks_the_pair_on_the_day(make_env):
    """A province switches the transfer-out city off after the application: registration refuses
    with the pilot-pair rule and changes nothing."""
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    t = apply(env, car, "320100")["transfer"]
    inspect(env, t["id"])
    env.set_rollout("used_car_transfer", "310100", enabled=False, valid_from=dt.date(2021, 7, 2))
    env.clock.set("2021-07-02")
    out = register(env, t["id"])
    assert out["errors"][0]["code"] == "PILOT_PAIR_REQUIRED"
    assert out["errors"][0]["city"] == "310100"
    with env.session() as s:
        assert s.get(Vehicle, car.id).registration_city == "310100"
        assert s.get(UsedCarTransferRow, t["id"]).status == "INSPECTED"
