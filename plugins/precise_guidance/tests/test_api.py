"""M19 through the GraphQL API: outlets, guides, corrections, to-dos and the push job."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.outbox import OutboxMessage
from core.testing_db import row_count
from core.testing_race import outcome, race

from ..models import GuidanceOutlet, OutletCorrection, TodoPush
from .helpers import (
    ACTIVITY,
    CORRECTIONS,
    DECIDE,
    GUIDE,
    GUIDE_SAVE,
    JIANGNING,
    MAIN,
    NEAREST,
    NOW,
    OUTLETS,
    PLUGINS,
    REPORT,
    SAVE,
    TODOS,
    correction_id,
    due_world,
    outlet_id,
    save,
)

# --- outlets ---------------------------------------------------------------------------------------


def test_clerk_maintains_outlets_of_own_city(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    updated = save(env, {**MAIN, "hours": "周一至周六 8:30-17:30"}, id=oid)
    assert updated["outlet"]["version"] == 2
    out = save(env, MAIN, as_="clerk_sh")
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    out = save(env, {**MAIN, "city": "310100"}, id=oid, as_="clerk_sh")
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(SAVE, {"input": MAIN}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = env.data(OUTLETS, {"c": "320100"}, as_="zhang_account")["preciseGuidanceOutlets"]
    assert listed["totalCount"] == 1
    anonymous = env.data(OUTLETS, {"c": "320100", "b": "EXAM"})["preciseGuidanceOutlets"]
    assert anonymous["totalCount"] == 0


def test_outlet_input_is_validated(make_env):
    env = make_env(PLUGINS, now=NOW)
    cases = [
        ({**MAIN, "latitude": 91.0}, "GUIDANCE_INVALID_LOCATION"),
        ({**MAIN, "businesses": []}, "INVALID_INPUT"),
        ({**MAIN, "name": "名" * 101}, "TOO_LONG"),
        ({**MAIN, "city": "999999"}, "UNKNOWN_CITY"),
        ({**MAIN, "phone": "12"}, "INVALID_INPUT"),
    ]
    for data, code in cases:
        assert save(env, data)["errors"][0]["code"] == code, data
    # an outlet's 位置 is one of the facts 七-一 requires to be accurate
    err = save(env, {**MAIN, "latitude": 999})["errors"][0]
    assert (err["code"], err["field"]) == ("GUIDANCE_INVALID_LOCATION", "latitude")
    assert err["rule"] == "M19 2024-七-一"
    err = save(env, {**MAIN, "longitude": 999})["errors"][0]  # the coordinate at fault
    assert (err["code"], err["field"]) == ("GUIDANCE_INVALID_LOCATION", "longitude")
    # a non-number coordinate or an unknown business is refused by GraphQL coercion (HTTP 200,
    # a top-level BAD_USER_INPUT, nothing written)
    for wrong in ({"latitude": "north"}, {"businesses": ["FLYING"]}):
        body = env.post(SAVE, {"input": {**MAIN, **wrong}}, as_="clerk")
        assert body.status_code == 200 and body.json()["data"] is None
        assert body.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", wrong
    assert row_count(env, GuidanceOutlet) == 0


def test_outlets_are_prepared_30_days_before_the_start(make_env):
    env = make_env(PLUGINS, now="2024-05-31")
    out = save(env, MAIN)
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, GuidanceOutlet) == 0
    env.clock.set("2024-06-01")
    assert save(env, MAIN)["errors"] == []
    # the public sees outlets only from the start day
    env.clock.set("2024-06-30")
    body = env.gql(OUTLETS, {"c": "320100"})
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"
    env.clock.set("2024-07-01")
    assert env.data(OUTLETS, {"c": "320100"})["preciseGuidanceOutlets"]["totalCount"] == 1


def test_nearest_outlet_by_distance_or_city(make_env):
    env = make_env(PLUGINS, now=NOW)
    outlet_id(env, MAIN)
    outlet_id(env, JIANGNING)
    near_jiangning = {"b": "INSPECTION", "c": "320100", "lat": 31.95, "lon": 118.84}
    found = env.data(NEAREST, near_jiangning)["preciseGuidanceNearestOutlets"]
    assert [f["outlet"]["name"] for f in found] == ["江宁登记服务站", "南京市车辆管理所"]
    assert found[0]["distanceKm"] < 1
    # RENEWAL is handled only by the main office
    found = env.data(NEAREST, {**near_jiangning, "b": "RENEWAL"})["preciseGuidanceNearestOutlets"]
    assert [f["outlet"]["name"] for f in found] == ["南京市车辆管理所"]
    # no location: the city's outlets by name, no distance
    found = env.data(NEAREST, {"b": "INSPECTION", "c": "320100"})["preciseGuidanceNearestOutlets"]
    assert len(found) == 2 and found[0]["distanceKm"] is None
    # the citizen's position serves 线下网点精准导航 (七-二)
    for half_or_wrong in ({"lat": 31.9}, {"lat": 999.0, "lon": 118.8}):
        body = env.gql(NEAREST, {"b": "INSPECTION", "c": "320100", **half_or_wrong})
        ext = body["errors"][0]["extensions"]
        assert (ext["code"], ext["field"]) == ("GUIDANCE_INVALID_LOCATION", "latitude")
        assert ext["rule"] == "M19 2024-七-二", half_or_wrong


def test_guides_local_and_default(make_env):
    env = make_env(PLUGINS, now=NOW)
    default = env.data(GUIDE, {"c": "320100", "b": "RENEWAL"})["preciseGuidanceGuide"]
    assert default["local"] is False and default["materials"]
    out = env.data(
        GUIDE_SAVE,
        {"c": "320100", "b": "RENEWAL", "p": "南京换证流程", "m": ["身份证明", "体检证明"]},
        as_="supervisor",
    )["preciseGuidanceGuideSave"]
    assert out["errors"] == []
    local = env.data(GUIDE, {"c": "320100", "b": "RENEWAL"})["preciseGuidanceGuide"]
    assert local == {
        "process": "南京换证流程",
        "materials": ["身份证明", "体检证明"],
        "local": True,
    }
    out = env.data(
        GUIDE_SAVE, {"c": "320100", "b": "RENEWAL", "p": "x", "m": ["a"]}, as_="clerk_sh"
    )["preciseGuidanceGuideSave"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    # a business outside PreciseGuidanceBusiness (lower case too) is not coerced: BAD_USER_INPUT
    body = env.gql(GUIDE_SAVE, {"c": "320100", "b": "NOPE", "p": "x", "m": ["a"]}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and body["data"] is None
    for wrong in ("NOPE", "renewal"):
        body = env.gql(GUIDE, {"c": "320100", "b": wrong})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", wrong


# --- corrections -----------------------------------------------------------------------------------


def test_public_correction_accepted_updates_the_outlet(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    out = env.data(
        REPORT, {"o": oid, "f": "HOURS", "p": "周一至周日 9:00-17:00", "n": "周末也开"},
        as_="li_account",
    )["preciseGuidanceCorrectionReport"]  # fmt: skip
    assert out["errors"] == [] and out["correction"]["status"] == "PENDING"
    cid = out["correction"]["id"]
    pending = env.data(CORRECTIONS, {"c": "320100", "s": "PENDING"}, as_="clerk")
    assert pending["preciseGuidanceCorrections"]["totalCount"] == 1
    body = env.gql(CORRECTIONS, {"c": "320100", "s": "OPEN"}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a clerk of another city may neither list nor decide
    body = env.gql(CORRECTIONS, {"c": "320100"}, as_="clerk_sh")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    out = env.data(DECIDE, {"id": cid, "ok": True}, as_="clerk_sh")
    assert out["preciseGuidanceCorrectionDecide"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    # the citizen may not decide
    body = env.gql(DECIDE, {"id": cid, "ok": True}, as_="li_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    out = env.data(DECIDE, {"id": cid, "ok": True}, as_="supervisor")
    assert out["preciseGuidanceCorrectionDecide"]["correction"]["status"] == "ACCEPTED"
    with env.session() as s:
        outlet = s.get(GuidanceOutlet, oid)
        assert outlet.hours == "周一至周日 9:00-17:00" and outlet.version == 2
        told = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.template == "precise_guidance.correction_decided"
            )
        ).all()
        assert [m.person_id for m in told] == [env.refs["li"].id]
    # decided once
    out = env.data(DECIDE, {"id": cid, "ok": False, "note": "again"}, as_="clerk")
    err = out["preciseGuidanceCorrectionDecide"]["errors"][0]
    assert err["code"] == "GUIDANCE_CORRECTION_ALREADY_DECIDED"


def test_rejected_correction_changes_nothing(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    cid = correction_id(env, oid, "LOCATION", "32.2,118.9")
    out = env.data(DECIDE, {"id": cid, "ok": False}, as_="clerk")["preciseGuidanceCorrectionDecide"]
    assert out["errors"][0]["code"] == "INVALID_INPUT" and out["errors"][0]["field"] == "note"
    out = env.data(DECIDE, {"id": cid, "ok": False, "note": "位置无误"}, as_="clerk")
    assert out["preciseGuidanceCorrectionDecide"]["correction"]["status"] == "REJECTED"
    with env.session() as s:
        outlet = s.get(GuidanceOutlet, oid)
        assert (outlet.latitude, outlet.version) == (32.097, 1)


def test_correction_refusals(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    bad = [
        ({"o": oid, "f": "LOCATION", "p": "here"}, "GUIDANCE_INVALID_LOCATION"),
        ({"o": oid, "f": "NAME", "p": "名" * 101}, "TOO_LONG"),
        ({"o": "NOPE", "f": "NAME", "p": "新名字"}, "NOT_FOUND"),
    ]
    for variables, code in bad:
        out = env.data(REPORT, variables, as_="zhang_account")["preciseGuidanceCorrectionReport"]
        assert out["errors"][0]["code"] == code, variables
    out = env.data(REPORT, bad[0][0], as_="zhang_account")["preciseGuidanceCorrectionReport"]
    assert (out["errors"][0]["field"], out["errors"][0]["rule"]) == ("proposed", "M19 2024-七-一")
    body = env.gql(REPORT, {"o": oid, "f": "COLOUR", "p": "red"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and body["data"] is None
    body = env.gql(REPORT, {"o": oid, "f": "NAME", "p": "x"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = env.gql(REPORT, {"o": oid, "f": "NAME", "p": "x"}, as_="insurer")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # an accepted correction equal to the published value changes nothing
    cid = correction_id(env, oid, "NAME", MAIN["name"])
    out = env.data(DECIDE, {"id": cid, "ok": True}, as_="clerk")["preciseGuidanceCorrectionDecide"]
    assert out["errors"][0]["code"] == "GUIDANCE_CORRECTION_NO_CHANGE"
    with env.session() as s:
        assert s.get(OutletCorrection, cid).status == "PENDING"


def test_corrections_only_once_the_measure_is_in_force(make_env):
    env = make_env(PLUGINS, now="2024-06-01")
    oid = outlet_id(env)  # prepared before the start
    env.clock.set("2024-06-30")
    out = env.data(REPORT, {"o": oid, "f": "HOURS", "p": "8:00-17:00"}, as_="zhang_account")
    err = out["preciseGuidanceCorrectionReport"]["errors"][0]
    assert err["code"] == "FEATURE_NOT_ENABLED" and err["date"] == "2024-06-30"
    assert row_count(env, OutletCorrection) == 0
    env.clock.set("2024-07-01")
    out = env.data(REPORT, {"o": oid, "f": "HOURS", "p": "8:00-17:00"}, as_="zhang_account")
    assert out["preciseGuidanceCorrectionReport"]["errors"] == []


def test_correction_reports_are_rate_limited(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    codes = []
    for i in range(11):
        out = env.data(
            REPORT, {"o": oid, "f": "HOURS", "p": f"9:{i:02d}-17:00"}, as_="zhang_account"
        )
        codes.append(out["preciseGuidanceCorrectionReport"]["errors"])
    assert codes[:10] == [[]] * 10
    assert codes[10][0]["code"] == "RATE_LIMITED"


# --- to-dos ----------------------------------------------------------------------------------------


def test_citizen_todos_with_guide_and_nearest_outlet(make_env):
    env = make_env(PLUGINS, now=NOW)
    outlet_id(env, MAIN)
    outlet_id(env, JIANGNING)
    due_world(env)
    todos = env.data(TODOS, {"lat": 31.95, "lon": 118.84}, as_="zhang_account")[
        "preciseGuidanceTodos"
    ]
    by_kind = {t["business"]: t for t in todos}
    assert set(by_kind) == {"EXEMPT_MARK", "RENEWAL", "PAYMENT"}
    assert by_kind["EXEMPT_MARK"]["outlet"]["outlet"]["name"] == "南京市车辆管理所"  # 江宁 lacks it
    assert by_kind["PAYMENT"]["outlet"]["outlet"]["name"] == "江宁登记服务站"
    assert by_kind["RENEWAL"]["due"] == "2024-12-01" and by_kind["RENEWAL"]["overdue"] is False
    assert by_kind["RENEWAL"]["guide"]["materials"]
    # without a location: the domicile city's outlets
    todos = env.data(TODOS, as_="zhang_account")["preciseGuidanceTodos"]
    assert all(t["outlet"]["distanceKm"] is None for t in todos)
    # another citizen sees only their own (li: her car's overdue exempt mark)
    li = env.data(TODOS, as_="li_account")["preciseGuidanceTodos"]
    assert [t["subjectRef"] for t in li] == [f"Vehicle:{env.refs['li_car'].id}"]
    assert li[0]["overdue"] is True


def test_todos_refusals(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    body = env.gql(TODOS, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"
    env.clock.set("2024-07-01")
    assert env.data(TODOS, as_="zhang_account")
    body = env.gql(TODOS, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(TODOS, {"lat": 95.0, "lon": 118.0}, as_="zhang_account")
    ext = body["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("GUIDANCE_INVALID_LOCATION", "latitude")
    assert ext["rule"] == "M19 2024-七-二"


def test_push_job_enqueues_each_todo_once(make_env):
    env = make_env(PLUGINS, now=NOW)
    due_world(env)
    job = env.platform.jobs["precise_guidance_push"]
    first = job.run(env.platform, env.clock.now())
    assert first["pushed"] >= 3
    again = job.run(env.platform, env.clock.now())
    assert again["pushed"] == 0 and again["already_pushed"] == first["pushed"]
    with env.session() as s:
        pushes = s.exec(select(TodoPush).where(TodoPush.person_id == env.refs["zhang"].id)).all()
        assert {p.kind for p in pushes} == {"EXEMPT_MARK", "RENEWAL", "PAYMENT"}
        messages = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "precise_guidance.todo")
        ).all()
        assert len(messages) == 2 * first["pushed"]
        assert {m.channel for m in messages} == {"SMS", "APP"}
    # a day later the motorcycle enters its 90-day window: only that is new
    env.clock.advance(dt.timedelta(days=1))
    later = job.run(env.platform, env.clock.now())
    assert later["pushed"] == 1


def test_push_job_respects_the_rollout(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    due_world(env)
    assert (
        env.platform.jobs["precise_guidance_push"].run(env.platform, env.clock.now())["pushed"] == 0
    )
    assert row_count(env, TodoPush) == 0


def test_activity_report(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    for hours in ("8:00-17:00", "8:30-17:00"):
        env.data(REPORT, {"o": oid, "f": "HOURS", "p": hours}, as_="zhang_account")
    listed = env.data(CORRECTIONS, {"c": "320100"}, as_="clerk")["preciseGuidanceCorrections"]
    env.data(DECIDE, {"id": listed["nodes"][0]["id"], "ok": True}, as_="clerk")
    due_world(env)
    env.platform.jobs["precise_guidance_push"].run(env.platform, env.clock.now())
    variables = {"n": "precise_guidance_activity", "c": "320100", "s": NOW, "e": NOW}
    table = env.data(ACTIVITY, variables, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert figures["outlets"] == "1" and figures["corrections"] == "2"
    assert (figures["accepted"], figures["rejected"], figures["pending"]) == ("1", "0", "1")
    assert int(figures["todos_pushed"]) >= 3
    earlier = {**variables, "s": "2024-09-01", "e": "2024-09-01"}
    values = env.data(ACTIVITY, earlier, as_="supervisor")["report"]["rows"][0]["values"]
    assert values == ["1", "0", "0", "0", "1", "0"]


def test_concurrent_decisions_only_one_wins(make_env):
    env = make_env(PLUGINS, now=NOW)
    oid = outlet_id(env)
    cid = correction_id(env, oid, "HOURS", "8:00-18:00")
    calls = [
        ("clerk", DECIDE, {"id": cid, "ok": True, "note": "并发"}),
        ("supervisor", DECIDE, {"id": cid, "ok": False, "note": "并发"}),
    ]
    answers = [a["data"]["preciseGuidanceCorrectionDecide"] for a in race(env, calls)]
    codes = sorted(outcome(a) for a in answers)
    assert codes == ["GUIDANCE_CORRECTION_ALREADY_DECIDED", "OK"]
    with env.session() as s:
        row = s.get(OutletCorrection, cid)
        winner = next(a for a in answers if not a["errors"])["correction"]["status"]
        assert row.status == winner
        assert (s.get(GuidanceOutlet, oid).version == 2) is (winner == "ACCEPTED")
