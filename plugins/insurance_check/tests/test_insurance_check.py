"""M11 through the GraphQL API: found / failed checks, scope, roles, city, rollout, weekly report."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from core.audit import AuditEvent
from core.registries.vehicles import VehicleCategory
from core.testing_db import audit_events, load_demo

from .. import demo as demo_data
from .. import rules
from .helpers import HISTORY, INSURER, PLUGINS, REPORT, RUN, checks, policy, run


@pytest.mark.parametrize(
    "today,outcome",
    [
        ("2021-06-30", "NOT_YET_VALID"),  # the day before the policy starts
        ("2021-07-01", "FOUND"),  # first day covered
        ("2022-06-30", "FOUND"),  # last day covered
        ("2022-07-01", "EXPIRED"),  # the day after
    ],
)
def test_validity_boundaries(make_env, today, outcome):
    env = make_env(PLUGINS, now=today)
    car = env.refs["zhang_car"]
    policy(env, car.vin, "2021-07-01", "2022-06-30")
    out = run(env, car.vin)
    assert out["errors"] == []
    check = out["check"]
    assert check["outcome"] == outcome
    assert check["paperRequired"] is (outcome != "FOUND")
    assert check["insurerName"] == INSURER
    assert ("十一-一" if outcome == "FOUND" else "十一-三") in check["rule"]
    assert [c.outcome for c in checks(env)] == [outcome]


def test_not_found_is_recorded_and_audited(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    out = run(env, car.vin, business="REGISTRATION")
    assert out["check"]["outcome"] == "NOT_FOUND" and out["check"]["paperRequired"] is True
    assert out["check"]["insurerName"] is None
    with env.session() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "insurance_check.run")).one()
        assert event.outcome == "OK" and event.subject_person_id == env.refs["zhang"].id
        assert event.detail["outcome"] == "NOT_FOUND"


def test_source_outage_is_a_recorded_failure(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    policy(env, car.vin, "2021-01-01", "2021-12-31")
    env.platform.adapter("compulsory_insurance_source").down = True
    out = run(env, car.vin)
    assert out["check"]["outcome"] == "SOURCE_UNAVAILABLE"
    env.platform.adapter("compulsory_insurance_source").down = False
    assert run(env, car.vin)["check"]["outcome"] == "FOUND"


@pytest.mark.parametrize(
    "category",
    ["MOTORCYCLE_2W", "MOTORCYCLE_3W", "MOTORCYCLE_LIGHT", "LOW_SPEED_TRUCK", "TRICYCLE"],
)
def test_out_of_scope_vehicle_types_need_paper(make_env, category):
    env = make_env(PLUGINS, now="2021-07-01")
    with env.session() as s:
        v = env.factory(s).vehicle(env.refs["zhang"], category=VehicleCategory(category))
        s.commit()
    policy(env, v.vin, "2021-01-01", "2021-12-31")
    out = run(env, v.vin)
    err = out["errors"][0]
    assert err["code"] == "ONLINE_CHECK_NOT_APPLICABLE" and "十一-一" in err["rule"]
    assert checks(env) == []


def test_first_registration_by_vin_and_category(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    vin = "LNBSCB3F5MW000123"
    policy(env, vin, "2021-06-20", "2022-06-19")
    assert run(env, vin, "REGISTRATION")["errors"][0]["field"] == "category"
    out = run(env, vin, "REGISTRATION", category="SMALL_PASSENGER")
    assert out["check"]["outcome"] == "FOUND" and out["check"]["city"] == "320100"
    moto = run(env, vin, "REGISTRATION", category="MOTORCYCLE_2W")
    assert moto["errors"][0]["code"] == "ONLINE_CHECK_NOT_APPLICABLE"
    # an inspection mark is only for a registered vehicle
    assert run(env, vin, "INSPECTION_MARK")["errors"][0]["code"] == "NOT_FOUND"


def test_roles(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    for who in ("zhang_account", "inspector", "road_officer", env.refs["insurer"]):
        assert run(env, car.vin, as_=who)["errors"][0]["code"] == "FORBIDDEN"
    assert checks(env) == []
    assert run(env, car.vin)["errors"] == []


def test_clerk_of_another_city(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = run(env, env.refs["zhang_car"].vin, as_="clerk_sh")
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert checks(env) == []
    body = env.gql(HISTORY, {"v": env.refs["zhang_car"].id}, as_="clerk_sh")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"


@pytest.mark.parametrize("today,enabled", [("2021-05-31", False), ("2021-06-01", True)])
def test_rollout_from_2021_06_01(make_env, today, enabled):
    env = make_env(PLUGINS, now=today)
    out = run(env, env.refs["li_car"].vin, as_="clerk_sh")
    if enabled:
        assert out["errors"] == []
    else:
        err = out["errors"][0]
        assert (err["code"], err["city"], err["measure"]) == (
            "FEATURE_NOT_ENABLED",
            "310100",
            "insurance_check",
        )
        assert checks(env) == []


def test_malformed_input(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert run(env, "TOO-SHORT")["errors"][0]["code"] == "INVALID_INPUT"
    assert run(env, "X" * 400)["errors"][0]["code"] == "INVALID_INPUT"
    bad = env.post(RUN, {"i": {"vin": env.refs["zhang_car"].vin, "business": "PARKING"}})
    assert bad.status_code == 200 and bad.json()["errors"]
    assert checks(env) == []


def test_history_is_audited(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    run(env, car.vin)
    run(env, car.vin)
    page = env.data(HISTORY, {"v": car.id}, as_="supervisor")["insuranceChecks"]
    assert page["totalCount"] == 2
    reads = audit_events(env, "insurance_check.history")
    assert len(reads) == 1 and reads[0].subject_person_id == env.refs["zhang"].id


def test_weekly_report_by_week_and_insurer(make_env):
    env = make_env(PLUGINS, now="2021-07-05")  # a Monday
    zhang, elder = env.refs["zhang_car"], env.refs["elder_car"]
    policy(env, elder.vin, "2020-07-01", "2021-06-30", number="PICC0001", insurer="人保财险")
    run(env, zhang.vin)  # NOT_FOUND, no insurer
    run(env, elder.vin)  # EXPIRED, 人保财险
    env.clock.set("2021-07-12")  # next Monday
    run(env, elder.vin)
    policy(env, zhang.vin, "2021-07-01", "2022-06-30", number="PDAA0009")
    run(env, zhang.vin)  # FOUND: not in the report
    v = {"c": "320100", "s": "2021-07-01", "e": "2021-07-31"}
    report = env.data(REPORT, v, as_="supervisor")["report"]
    rows = {
        r["label"]: dict(zip(report["columns"], r["values"], strict=True)) for r in report["rows"]
    }
    assert set(rows) == {
        "2021-07-05 (未核查到保险公司)",
        "2021-07-05 人保财险",
        "2021-07-12 人保财险",
    }
    assert rows["2021-07-05 人保财险"]["EXPIRED"] == "1"
    assert rows["2021-07-05 (未核查到保险公司)"]["NOT_FOUND"] == "1"
    assert report["notes"][0] == "checks=4 failed=3"
    # a week's report only
    week = env.data(REPORT, {**v, "s": "2021-07-12", "e": "2021-07-18"}, as_="supervisor")
    assert [r["label"] for r in week["report"]["rows"]] == ["2021-07-12 人保财险"]
    # jurisdiction and role
    other = env.gql(REPORT, {**v, "c": "310100"}, as_="supervisor")
    assert other["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert env.gql(REPORT, v, as_="clerk")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    province = env.data(REPORT, v, as_="province_admin")["report"]
    assert len(province["rows"]) == 3


def test_demo_data_loads(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    load_demo(env, demo_data.load)
    assert run(env, env.refs["zhang_car"].vin)["check"]["outcome"] == "FOUND"
    assert run(env, env.refs["elder_car"].vin)["check"]["outcome"] == "EXPIRED"


DAY = st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31))


@given(st.lists(st.tuples(DAY, st.integers(0, 400)), max_size=4), DAY)
@settings(max_examples=100, deadline=None)
def test_evaluate_found_iff_a_policy_covers_the_day(spans, day):
    policies = [
        rules.Policy(f"P{i}", "X", start, start + dt.timedelta(days=length))
        for i, (start, length) in enumerate(spans)
    ]
    verdict = rules.evaluate(policies, day)
    covered = any(p.valid_from <= day <= p.valid_until for p in policies)
    assert (verdict.outcome is rules.Outcome.FOUND) is covered
    assert verdict.paper_required is not covered
    if not policies:
        assert verdict.outcome is rules.Outcome.NOT_FOUND


def test_week_start_is_monday():
    assert rules.week_start(dt.date(2021, 7, 11)) == dt.date(2021, 7, 5)
    assert rules.week_start(dt.date(2021, 7, 12)) == dt.date(2021, 7, 12)
