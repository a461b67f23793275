"""M18 through the GraphQL API: designs, key intersections, staffing, enforcement, report."""

from __future__ import annotations

import pytest

from core.accounts import Role
from core.testing_answers import codes, top_code
from core.testing_db import add_staff, row_count

from ..models import EnforcementRecord, Intersection, StaffingShift
from .helpers import (
    AREA_PER_BIKE_2,
    BACKWARD_REPORT,
    CHECK,
    CORE_REPORT,
    ENFORCE,
    KEY,
    LIST,
    ONE_STAGE,
    PLUGINS,
    RECORDS,
    REPORT,
    SAVE,
    STAFF,
    TWO_STAGE,
    enforcement,
    make_key,
    save,
)

# --- design consistency (六-一, 六-二) ---------------------------------------------------------------


def test_consistent_designs_are_saved(make_env):
    env = make_env(PLUGINS)
    one = save(env, ONE_STAGE)
    assert one["errors"] == [] and one["intersection"]["design"]["leftTurn"] == "ONE_STAGE"
    two = save(env, TWO_STAGE, name="鼓楼路口")
    assert two["errors"] == []
    assert any("导向车道" in a for a in two["intersection"]["advice"])


@pytest.mark.parametrize(
    "base,patch,code,field,clause",
    [
        (ONE_STAGE, {"stopLine": False}, "DESIGN_INCOMPLETE", "stopLine", "六-一"),
        (ONE_STAGE, {"waitingAreaM2": 0}, "DESIGN_INCOMPLETE", "waitingAreaM2", "六-一"),
        (ONE_STAGE, {"leftTurnSignal": False}, "DESIGN_INCOMPLETE", "leftTurnSignal", "六-二"),
        (ONE_STAGE, {"guideLines": False}, "DESIGN_INCOMPLETE", "guideLines", "六-二"),
        (ONE_STAGE, {"dedicatedLeftLane": True, "leftLaneWidthM": 1.4}, "DESIGN_INCONSISTENT", "leftLaneWidthM", "六-二"),
        (ONE_STAGE, {"twoStageSign": True}, "DESIGN_INCONSISTENT", "twoStageSign", "六-二"),
        (TWO_STAGE, {"secondStageAreaM2": None}, "DESIGN_INCOMPLETE", "secondStageAreaM2", "六-二"),
        (TWO_STAGE, {"peakLeftTurnBikes": 21}, "WAITING_AREA_TOO_SMALL", "secondStageAreaM2", "六-二"),
        (TWO_STAGE, {"noEntryZone": False}, "DESIGN_INCOMPLETE", "noEntryZone", "六-二"),
        (TWO_STAGE, {"nonMotorSignal": False}, "DESIGN_INCOMPLETE", "nonMotorSignal", "六-二"),
        (TWO_STAGE, {"twoStageSign": False}, "DESIGN_INCOMPLETE", "twoStageSign", "六-二"),
        (TWO_STAGE, {"dedicatedLeftLane": True}, "DESIGN_INCONSISTENT", "dedicatedLeftLane", "六-二"),
        (TWO_STAGE, {"crossLineProblem": True, "peakWaitingBikes": 41}, "WAITING_AREA_TOO_SMALL", "waitingAreaM2", "六-一"),
    ],
)  # fmt: skip
def test_inconsistent_designs_are_refused_naming_the_clause(
    make_env, base, patch, code, field, clause
):
    env = make_env(PLUGINS)
    out = save(env, {**base, **patch})
    assert codes(out) == [code]
    assert out["errors"][0]["field"] == field
    assert out["errors"][0]["rule"].startswith(f"M18 2024-{clause}")
    assert row_count(env, Intersection) == 0


def test_boundaries_of_sizes(make_env):
    env = make_env(PLUGINS)
    # 30 m² at 1.5 m² per vehicle holds exactly 20; a 1.5 m lane is wide enough
    assert save(env, {**TWO_STAGE, "peakLeftTurnBikes": 20})["errors"] == []
    lane = {**ONE_STAGE, "dedicatedLeftLane": True, "leftLaneWidthM": 1.5}
    assert save(env, lane, name="B")["errors"] == []
    # crowding with 60 m² = 40 vehicles: 40 passes, 41 needs physical separation
    crowd = {**TWO_STAGE, "crossLineProblem": True, "peakWaitingBikes": 40}
    assert save(env, crowd, name="C")["errors"] == []
    fenced = {**crowd, "peakWaitingBikes": 41, "separation": "PHYSICAL"}
    assert save(env, fenced, name="D")["errors"] == []


def test_check_lists_every_violation_without_writing(make_env):
    env = make_env(PLUGINS)
    design = {**TWO_STAGE, "stopLine": False, "twoStageSign": False, "nonMotorSignal": False}
    out = env.data(CHECK, {"city": "320100", "d": design}, as_="supervisor")[
        "intersectionDesignCheck"
    ]
    assert out["valid"] is False
    assert [v["field"] for v in out["violations"]] == ["stopLine", "nonMotorSignal", "twoStageSign"]
    assert row_count(env, Intersection) == 0


def test_city_setting_changes_the_sizing(make_env):
    env = make_env(PLUGINS)
    assert env.data(AREA_PER_BIKE_2, as_="province_admin")["measureSettingSet"]["errors"] == []
    out = save(env, TWO_STAGE)  # 30 m² / 2.0 = 15 < 20
    assert codes(out) == ["WAITING_AREA_TOO_SMALL"]


def test_update_keeps_the_city(make_env):
    env = make_env(PLUGINS)
    site = save(env, ONE_STAGE)["intersection"]
    out = save(env, TWO_STAGE, name="新街口路口（改造后）", id=site["id"])
    assert out["errors"] == [] and out["intersection"]["design"]["leftTurn"] == "TWO_STAGE"
    assert row_count(env, Intersection) == 1


# --- key intersections, staffing, enforcement (六-三) -------------------------------------------------


def test_staffing_only_at_key_intersections_from_designation_to_today(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    plain = save(env, ONE_STAGE, name="普通路口")["intersection"]["id"]
    body = {"intersectionId": plain, "day": "2024-09-02", "police": 1, "volunteers": 2}
    assert codes(
        env.data(STAFF, {"input": body}, as_="road_officer")["intersectionStaffingRecord"]
    ) == ["NOT_KEY_INTERSECTION"]
    key = make_key(env)
    env.clock.set("2024-09-05")

    def record(day, **kw):
        b = {"intersectionId": key, "day": day, "police": 1, "auxiliaries": 1, **kw}
        return env.data(STAFF, {"input": b}, as_="road_officer")["intersectionStaffingRecord"]

    assert codes(record("2024-09-01")) == ["BAD_RECORD_DATE"]  # before designation
    assert record("2024-09-02")["errors"] == []
    assert record("2024-09-05")["errors"] == []
    assert codes(record("2024-09-06")) == ["BAD_RECORD_DATE"]  # future
    assert codes(record("2024-09-03", police=501)) == ["INVALID_INPUT"]
    assert codes(record("2024-09-03", police=0, auxiliaries=0)) == ["INVALID_INPUT"]  # nobody
    assert row_count(env, StaffingShift) == 2
    released = env.data(KEY, {"id": key, "r": []}, as_="supervisor")["intersectionKeySet"]
    assert released["intersection"]["key"] is False
    assert codes(record("2024-09-05")) == ["NOT_KEY_INTERSECTION"]


@pytest.mark.parametrize(
    "day,ok",
    [("2024-08-03", False), ("2024-08-04", True), ("2024-09-03", True), ("2024-09-04", False)],
)
def test_enforcement_record_window(make_env, day, ok):
    env = make_env(PLUGINS, now="2024-09-03")
    site = save(env, ONE_STAGE)["intersection"]["id"]
    out = env.data(ENFORCE, enforcement(site, day=day, count=3), as_="road_officer")
    out = out["intersectionEnforcementRecord"]
    assert (out["errors"] == []) is ok
    if not ok:
        assert codes(out) == ["BAD_RECORD_DATE"]


@pytest.mark.parametrize(
    "kind,action,flags",
    [
        ("STOP_LINE", "FINE", ["STOP_LINE_FINED"]),
        ("STOP_LINE", "PERSUASION", []),
        ("STOP_LINE", "REMOTE_BROADCAST", []),
        ("WRONG_WAY", "PERSUASION", ["SERIOUS_PERSUASION_ONLY"]),
        ("RED_LIGHT", "PERSUASION", ["SERIOUS_PERSUASION_ONLY"]),
        ("MOTOR_LANE", "ON_SITE_CORRECTION", []),
        ("RED_LIGHT", "REMOTE_BROADCAST", []),
    ],
)
def test_every_real_enforcement_is_recorded_and_the_unexpected_flagged(
    make_env, kind, action, flags
):
    """六-三 sets no restriction on how an officer deals with a case: a red-light rider handled by
    persuasion only, or a stop-line case handled with a fine, is recorded (issue 15 item 6) and
    flagged where the city's own policy would not expect it."""
    env = make_env(PLUGINS)
    site = save(env, ONE_STAGE)["intersection"]["id"]
    out = env.data(ENFORCE, enforcement(site, kind, action), as_="road_officer")
    out = out["intersectionEnforcementRecord"]
    assert out["errors"] == [] and out["record"]["flags"] == flags
    recs = env.data(RECORDS, {"id": site}, as_="supervisor")["intersectionRecords"]
    assert recs["enforcement"] == [{"kind": kind, "count": 1, "flags": flags}]
    assert row_count(env, EnforcementRecord) == 1


SET_BOOL = """mutation($k: String!, $v: JSON!) { measureSettingSet(measure: "intersection_nonmotor",
  scopeCode: "320100", key: $k, value: $v) { errors { code } } }"""


def test_the_city_policy_decides_what_is_flagged(make_env):
    env = make_env(PLUGINS)
    site = save(env, ONE_STAGE)["intersection"]["id"]
    for key in ("stop_line_fines_expected", "persuasion_alone_for_serious_expected"):
        out = env.data(SET_BOOL, {"k": key, "v": True}, as_="province_admin")
        assert out["measureSettingSet"]["errors"] == []
    for kind, action in (("STOP_LINE", "FINE"), ("RED_LIGHT", "PERSUASION")):
        out = env.data(ENFORCE, enforcement(site, kind, action), as_="road_officer")
        assert out["intersectionEnforcementRecord"]["record"]["flags"] == []


def test_a_shift_with_police_but_no_helpers_is_recorded_and_flagged(make_env):
    """六-三 asks for police and auxiliaries / volunteers; a shift that had only police is still
    recorded (issue 15 item 6), flagged, and the flag shows in the report."""
    env = make_env(PLUGINS)
    key = make_key(env)
    shifts = [({"police": 2}, ["BELOW_EXPECTED_HELPERS"]),
              ({"police": 0, "volunteers": 3}, ["BELOW_EXPECTED_POLICE"]),
              ({"police": 1, "auxiliaries": 1}, [])]  # fmt: skip
    for extra, flags in shifts:
        body = {"intersectionId": key, "day": "2024-09-02", **extra}
        out = env.data(STAFF, {"input": body}, as_="road_officer")["intersectionStaffingRecord"]
        assert out["errors"] == [] and out["shift"]["flags"] == flags
    figures = {f["name"]: f["value"] for f in
               env.data(REPORT, {"city": "320100"}, as_="supervisor")["intersectionReport"]["figures"]}  # fmt: skip
    assert figures["flagged_shifts"] == 2
    assert (
        figures["flag_below_expected_helpers"] == 1 and figures["flag_below_expected_police"] == 1
    )
    assert figures["police"] == 3


def test_report_for_the_city_and_the_province(make_env):
    env = make_env(PLUGINS)
    key = make_key(env)
    save(env, TWO_STAGE, name="鼓楼路口")
    env.data(STAFF, {"input": {"intersectionId": key, "day": "2024-09-02", "police": 2,
                               "auxiliaries": 3, "volunteers": 4}}, as_="supervisor")  # fmt: skip
    for kind, n in (("RED_LIGHT", 5), ("STOP_LINE", 7)):
        action = "PERSUASION" if kind == "STOP_LINE" else "FINE"
        env.data(ENFORCE, enforcement(key, kind, action, count=n), as_="road_officer")
    figures = {f["name"]: f["value"] for f in
               env.data(REPORT, {"city": "320100"}, as_="province_admin")["intersectionReport"]["figures"]}  # fmt: skip
    assert figures == {"intersections": 2, "one_stage": 1, "two_stage": 1, "key": 1, "police": 2,
                       "auxiliaries": 3, "volunteers": 4, "red_light": 5, "wrong_way": 0,
                       "motor_lane": 0, "stop_line": 7, "flagged_shifts": 0,
                       "flagged_enforcement": 0, "flag_below_expected_police": 0,
                       "flag_below_expected_helpers": 0, "flag_stop_line_fined": 0,
                       "flag_serious_persuasion_only": 0}  # fmt: skip
    assert (
        top_code(env.gql(REPORT, {"city": "320100"}, as_="province_admin_gd"))
        == "OUT_OF_JURISDICTION"
    )
    assert top_code(env.gql(REPORT, {"city": "320100"}, as_="road_officer")) == "FORBIDDEN"
    core = env.data(CORE_REPORT, as_="supervisor")["report"]
    assert core["rows"][0]["values"][:4] == ["2", "1", "1", "1"]
    recs = env.data(RECORDS, {"id": key}, as_="road_officer")["intersectionRecords"]
    assert recs["staffing"] == [{"police": 2}] and len(recs["enforcement"]) == 2
    keys = env.data(LIST, {"city": "320100", "k": True}, as_="province_admin")["intersections"]
    assert keys["totalCount"] == 1


# --- who may, where, when ---------------------------------------------------------------------------


def test_roles(make_env):
    env = make_env(PLUGINS)
    body = {"input": {"city": "320100", "name": "x", "design": ONE_STAGE}}
    for who in ("clerk", "zhang_account", "province_admin"):
        assert top_code(env.gql(SAVE, body, as_=who)) == "FORBIDDEN"
    assert top_code(env.gql(SAVE, body)) == "UNAUTHENTICATED"
    assert top_code(env.gql(SAVE, body, as_=env.refs["courier"])) == "FORBIDDEN"
    site = save(env, ONE_STAGE)["intersection"]["id"]
    assert (
        top_code(env.gql(KEY, {"id": site, "r": ["DISORDER"]}, as_="road_officer")) == "FORBIDDEN"
    )
    enforce = enforcement(site)
    assert top_code(env.gql(ENFORCE, enforce, as_="supervisor")) == "FORBIDDEN"
    assert row_count(env, Intersection) == 1 and row_count(env, EnforcementRecord) == 0


def test_other_city_is_out_of_jurisdiction(make_env):
    env = make_env(PLUGINS)
    officer_sh = add_staff(env, "officer.sh", [Role.ROAD_OFFICER], "310100")
    out = save(env, ONE_STAGE, who=officer_sh)
    assert codes(out) == ["OUT_OF_JURISDICTION"]
    site = save(env, ONE_STAGE)["intersection"]["id"]
    enforce = enforcement(site)
    assert codes(env.data(ENFORCE, enforce, as_=officer_sh)["intersectionEnforcementRecord"]) == [
        "OUT_OF_JURISDICTION"
    ]
    assert (
        top_code(env.gql(LIST, {"city": "320100", "k": False}, as_=officer_sh))
        == "OUT_OF_JURISDICTION"
    )
    assert row_count(env, EnforcementRecord) == 0


@pytest.mark.parametrize("day,ok", [("2024-06-30", False), ("2024-07-01", True)])
def test_in_force_nationwide_from_2024_07_01(make_env, day, ok):
    env = make_env(PLUGINS, now=day)
    out = save(env, ONE_STAGE)
    assert (out["errors"] == []) is ok
    if not ok:
        assert codes(out) == ["FEATURE_NOT_ENABLED"] and out["errors"][0]["date"] == "2024-06-30"
        assert row_count(env, Intersection) == 0
        assert top_code(env.gql(CHECK, {"city": "320100", "d": ONE_STAGE}, as_="supervisor")) == (
            "FEATURE_NOT_ENABLED"
        )


def test_disabled_city(make_env):
    env = make_env(PLUGINS)
    env.set_rollout("intersection_nonmotor", "320100", enabled=False)
    assert codes(save(env, ONE_STAGE)) == ["FEATURE_NOT_ENABLED"]
    assert row_count(env, Intersection) == 0


@pytest.mark.parametrize(
    "patch,code",
    [
        ({"city": "999999"}, "UNKNOWN_CITY"),
        ({"name": ""}, "INVALID_INPUT"),
        ({"name": "x" * 101}, "TOO_LONG"),
        ({"design": {**ONE_STAGE, "waitingAreaM2": -1}}, "INVALID_INPUT"),
        ({"design": {**ONE_STAGE, "peakWaitingBikes": 5000}}, "INVALID_INPUT"),
        ({"design": {**ONE_STAGE, "leftLaneWidthM": 99}}, "INVALID_INPUT"),
        ({"id": "nope"}, "NOT_FOUND"),
    ],
)
def test_malformed_input_is_a_typed_error(make_env, patch, code):
    env = make_env(PLUGINS)
    body = {"input": {"city": "320100", "name": "新街口路口", "design": ONE_STAGE, **patch}}
    response = env.post(SAVE, body, as_="road_officer")
    assert response.status_code == 200
    assert codes(response.json()["data"]["intersectionSave"]) == [code]
    assert row_count(env, Intersection) == 0


def test_bad_enum_and_period_are_not_500(make_env):
    env = make_env(PLUGINS)
    response = env.post(SAVE, {"input": {"city": "320100", "name": "x", "design": {**ONE_STAGE,
                        "leftTurn": "THREE_STAGE"}}}, as_="road_officer")  # fmt: skip
    assert response.status_code == 200 and response.json()["errors"]
    assert top_code(env.gql(BACKWARD_REPORT, as_="supervisor")) == "INVALID_DATE"


def test_demo_data_loads(make_env):
    env = make_env(PLUGINS)
    from .. import demo

    with env.session() as s:
        demo.load(s, env.world.__class__(env.factory(s), dict(env.refs)))
        s.commit()
    keys = env.data(LIST, {"city": "320100", "k": True}, as_="supervisor")["intersections"]
    assert [n["name"] for n in keys["nodes"]] == ["新街口路口"]
