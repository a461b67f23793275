"""Designation (2021-五-一), signs and bays (五-二), adjustment and withdrawal (五-三) via GraphQL."""

from __future__ import annotations

import pytest

from core.accounts import Role
from core.testing_db import add_staff

from .helpers import (
    ADJUST,
    DESIGNATE,
    HISTORY,
    LIST,
    NIGHT,
    PLUGINS,
    WITHDRAW,
    ask,
    counts,
    designate,
    segment_input,
)


def test_supervisor_designates_and_public_lists(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = designate(env)
    assert out["errors"] == []
    seg = out["segment"]
    assert seg["status"] == "ACTIVE" and seg["version"] == 1 and seg["bayCount"] == 20
    assert [w["label"] for w in seg["windows"]] == [
        "NIGHT 19:00-07:00",
        "WEEKEND 07:00-19:00",
        "HOLIDAY 00:00-24:00",
    ]
    listed = env.data(LIST, {"city": "320100", "all": False})["residentialParkingSegments"]
    assert listed["totalCount"] == 1
    assert counts(env) == (1, 1)


@pytest.mark.parametrize("who", ["clerk", "zhang_account", "road_officer", "province_admin", None])
def test_other_roles_may_not_designate(make_env, who):
    env = make_env(PLUGINS, now="2024-09-02")
    body = env.gql(DESIGNATE, {"input": segment_input()}, as_=who)
    assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
    assert counts(env) == (0, 0)


def test_supervisor_of_another_city_is_refused(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = designate(env, city="310100")
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert counts(env) == (0, 0)


@pytest.mark.parametrize(
    "day,in_force",
    [("2021-04-30", False), ("2021-05-01", True), ("2021-05-31", True), ("2021-06-01", True)],
)
def test_designation_opens_before_the_may_deadline(make_env, day, in_force):
    """五-一: cities designate and publish segments "5月底前": a designation on 2021-05-31 is
    accepted and published (issue 15 item 5); before May the measure is not yet open."""
    env = make_env(PLUGINS, now=day)
    out = designate(env, signsInstalledOn=None)
    if in_force:
        assert out["errors"] == []
        listed = env.data(LIST, {"city": "320100", "all": False})["residentialParkingSegments"]
        assert listed["totalCount"] == 1
    else:
        err = out["errors"][0]
        assert (err["code"], err["measure"], err["city"]) == (
            "FEATURE_NOT_ENABLED",
            "residential_parking",
            "320100",
        )
        assert counts(env) == (0, 0)
        body = env.gql(LIST, {"city": "110100", "all": True})
        assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_emergency_route_is_never_designated(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    err = designate(env, emergencyRoute=True)["errors"][0]
    assert err["code"] == "RESIDENTIAL_PARKING_EMERGENCY_ROUTE"
    assert err["rule"] == "M05 2021-五-一: 路内停车不得影响应急救援车辆通行"
    assert counts(env) == (0, 0)


@pytest.mark.parametrize(
    "over,code,field",
    [
        # 五-二: painted bays must show the time; sign-only segments have no bays
        ({"bayTimeMarked": False}, "RESIDENTIAL_PARKING_BAY_TIME_NOT_MARKED", "bayTimeMarked"),
        ({"bayCount": 0}, "RESIDENTIAL_PARKING_BAY_COUNT", "bayCount"),
        ({"marking": "SIGN_ONLY", "bayCount": 3}, "RESIDENTIAL_PARKING_BAY_COUNT", "bayCount"),
        # 五-一: night windows lie within 17:00-09:00
        (
            {"windows": [{"kind": "NIGHT", "start": "16:59", "end": "09:00"}]},
            "RESIDENTIAL_PARKING_NOT_A_NIGHT_WINDOW",
            "windows[0]",
        ),
        (
            {"windows": [{"kind": "NIGHT", "start": "17:00", "end": "09:01"}]},
            "RESIDENTIAL_PARKING_NOT_A_NIGHT_WINDOW",
            "windows[0]",
        ),
        (
            {"windows": [NIGHT, {"kind": "NIGHT", "start": "12:00", "end": "14:00"}]},
            "RESIDENTIAL_PARKING_NOT_A_NIGHT_WINDOW",
            "windows[1]",
        ),
        (
            {"windows": [{"kind": "NIGHT", "start": "25:00", "end": "07:00"}]},
            "RESIDENTIAL_PARKING_INVALID_WINDOW",
            "windows[0]",
        ),
        (
            {"windows": [{"kind": "WEEKEND", "start": "08:00", "end": "08:00"}]},
            "RESIDENTIAL_PARKING_INVALID_WINDOW",
            "windows[0]",
        ),
        (
            {"windows": [NIGHT, {"kind": "WEEKEND", "start": "99:00", "end": "08:00"}]},
            "RESIDENTIAL_PARKING_INVALID_WINDOW",
            "windows[1]",
        ),
        ({"windows": []}, "INVALID_INPUT", "windows"),
        ({"windows": [NIGHT] * 7}, "INVALID_INPUT", "windows"),
        ({"road": "路" * 101}, "TOO_LONG", "road"),
        ({"section": " "}, "INVALID_INPUT", "section"),
        ({"county": "县" * 51}, "TOO_LONG", "county"),
        ({"city": "000000"}, "UNKNOWN_CITY", "city"),
        ({"signsInstalledOn": "2024-09-03"}, "RESIDENTIAL_PARKING_SIGNS_DATE", "signsInstalledOn"),
    ],
)
def test_designation_rules_and_malformed_input(make_env, over, code, field):
    env = make_env(PLUGINS, now="2024-09-02")
    err = designate(env, **over)["errors"][0]
    assert (err["code"], err["field"]) == (code, field)
    if code.startswith("RESIDENTIAL_PARKING_"):  # every refusal of the measure names its clause
        assert err["rule"].startswith("M05 2021-五-"), err
    if "WINDOW" in code:  # the time windows are those of 五-一 (夜间、周末和法定假期)
        assert (
            err["rule"] == "M05 2021-五-一: 科学划定允许居民在夜间、周末和法定假期停车的路段、时段"
        )
    assert counts(env) == (0, 0)


def test_night_window_boundaries_accepted(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = designate(env, windows=[{"kind": "NIGHT", "start": "17:00", "end": "09:00"}])
    assert out["errors"] == []
    out = designate(env, windows=[{"kind": "NIGHT", "start": "00:00", "end": "06:00"}])
    assert out["errors"] == []
    out = designate(env, marking="SIGN_ONLY", bayCount=0, bayTimeMarked=False)
    assert out["errors"] == []  # 五-二: signs only, no painted bays


def test_bad_enum_is_a_graphql_error(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    bad = segment_input(windows=[{"kind": "LUNCH", "start": "12:00", "end": "13:00"}])
    response = env.post(DESIGNATE, {"input": bad}, as_="supervisor")
    assert response.status_code == 200 and response.json()["errors"]
    assert counts(env) == (0, 0)


def test_adjustment_is_a_new_version_and_answers_follow_history(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env)["segment"]["id"]
    env.clock.set("2024-09-10T09:00:00+08:00")
    adj = {
        "segmentId": sid,
        "windows": [NIGHT],
        "marking": "BAYS",
        "bayCount": 12,
        "bayTimeMarked": True,
        "reason": "EVALUATION",
        "note": "周末影响周边通行，取消周末时段",
    }
    out = env.data(ADJUST, {"input": adj}, as_="supervisor")["residentialParkingSegmentAdjust"]
    assert out["errors"] == [] and out["segment"]["version"] == 2
    # Saturday 09-07 was under version 1 (weekend window); Saturday 09-14 under version 2
    before = ask(env, sid, "2024-09-07T12:00:00+08:00")
    assert before["allowed"] and before["segmentVersion"] == 1
    after = ask(env, sid, "2024-09-14T12:00:00+08:00")
    assert not after["allowed"] and after["segmentVersion"] == 2
    body = env.gql(ADJUST, {"input": adj}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = env.data(ADJUST, {"input": {**adj, "bayTimeMarked": False}}, as_="supervisor")
    assert bad["residentialParkingSegmentAdjust"]["errors"][0]["code"] == (
        "RESIDENTIAL_PARKING_BAY_TIME_NOT_MARKED"
    )
    assert counts(env) == (1, 2)


def test_withdrawal_kept_as_history(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env)["segment"]["id"]
    # an evaluation alone is no ground to withdraw (五-三 names the two grounds)
    out = env.data(WITHDRAW, {"id": sid, "reason": "EVALUATION"}, as_="supervisor")
    err = out["residentialParkingSegmentWithdraw"]["errors"][0]
    assert err["code"] == "RESIDENTIAL_PARKING_WITHDRAW_REASON" and "五-三" in err["rule"]
    env.clock.set("2024-10-09T09:00:00+08:00")
    out = env.data(WITHDRAW, {"id": sid, "reason": "OFF_STREET_SUFFICIENT"}, as_="supervisor")
    seg = out["residentialParkingSegmentWithdraw"]["segment"]
    assert seg["status"] == "WITHDRAWN" and seg["version"] == 2 and not seg["emergencyRoute"]
    assert ask(env, sid, "2024-10-09T20:00:00+08:00")["reason"] == "WITHDRAWN"
    assert ask(env, sid, "2024-10-01T12:00:00+08:00")["allowed"]  # history: was allowed then
    again = env.data(WITHDRAW, {"id": sid, "reason": "EMERGENCY_ACCESS"}, as_="supervisor")
    assert again["residentialParkingSegmentWithdraw"]["errors"][0]["code"] == (
        "RESIDENTIAL_PARKING_WITHDRAWN"
    )
    history = env.data(HISTORY, {"id": sid})["residentialParkingSegmentHistory"]
    assert [(h["version"], h["action"], h["status"], h["reason"]) for h in history] == [
        (1, "DESIGNATE", "ACTIVE", None),
        (2, "WITHDRAW", "WITHDRAWN", "OFF_STREET_SUFFICIENT"),
    ]
    listed = env.data(LIST, {"city": "320100", "all": True})["residentialParkingSegments"]
    assert listed["nodes"] == [{"road": "长白街", "status": "WITHDRAWN"}]
    assert (
        env.data(LIST, {"city": "320100", "all": False})["residentialParkingSegments"]["totalCount"]
        == 0
    )


def test_withdrawal_for_emergency_access_flags_the_route(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    sid = designate(env)["segment"]["id"]
    head_sh = add_staff(env, "head.sh", [Role.SUPERVISOR], "310100")
    out = env.data(WITHDRAW, {"id": sid, "reason": "EMERGENCY_ACCESS"}, as_=head_sh)
    assert out["residentialParkingSegmentWithdraw"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(WITHDRAW, {"id": sid, "reason": "EMERGENCY_ACCESS"}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    out = env.data(WITHDRAW, {"id": sid, "reason": "EMERGENCY_ACCESS"}, as_="supervisor")
    assert out["residentialParkingSegmentWithdraw"]["segment"]["emergencyRoute"] is True


def test_demo_data_loads(make_env):
    from .. import demo as demo_data

    env = make_env(PLUGINS, now="2024-09-02")
    with env.session() as s:
        demo_data.load(s, env.world)
        s.commit()
    sid = env.world.refs["residential_parking_segment"].id
    assert ask(env, sid, "2024-10-01T12:00:00+08:00")["allowed"]


def test_the_segment_workflow_is_declared_and_strands_no_one(make_env):
    """Issue 15 item 12: ACTIVE always has a way out (withdrawal on the seed's grounds);
    WITHDRAWN is final. The withdrawal is the declared move."""
    from ..workflows import SEGMENT

    assert SEGMENT.problems() == []
    env = make_env(PLUGINS, now="2024-09-02")
    assert f"{SEGMENT.measure}.segment" in env.platform.workflows
    sid = designate(env)["segment"]["id"]
    out = env.data(WITHDRAW, {"id": sid, "reason": "OFF_STREET_SUFFICIENT"}, as_="supervisor")
    assert out["residentialParkingSegmentWithdraw"]["segment"]["status"] == "WITHDRAWN"
