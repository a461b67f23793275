"""GraphQL documents, designs and builders shared by the M18 tests."""

from __future__ import annotations

from typing import Any

PLUGINS = ["intersection_nonmotor"]

SAVE = """mutation($input: IntersectionSaveInput!) { intersectionSave(input: $input) {
  errors { code field rule measure city date } intersection { id name key advice design { leftTurn } } } }"""
CHECK = """query($city: String!, $d: IntersectionDesignInput!) { intersectionDesignCheck(city: $city, design: $d) {
  valid violations { code field rule } advice } }"""
KEY = """mutation($id: ID!, $r: [IntersectionKeyReason!]!) { intersectionKeySet(intersectionId: $id, reasons: $r) {
  errors { code field } intersection { key keyReasons keySince } } }"""
STAFF = """mutation($input: IntersectionStaffingInput!) { intersectionStaffingRecord(input: $input) {
  errors { code field rule } shift { id police flags } } }"""
ENFORCE = """mutation($input: IntersectionEnforcementInput!) { intersectionEnforcementRecord(input: $input) {
  errors { code field rule } record { id kind count flags } } }"""
LIST = """query($city: String!, $k: Boolean!) { intersections(city: $city, keyOnly: $k) { totalCount nodes { name } } }"""
REPORT = """query($city: String!) { intersectionReport(city: $city, start: "2024-09-01", end: "2024-09-30") {
  figures { name value } } }"""
RECORDS = """query($id: ID!) { intersectionRecords(intersectionId: $id, start: "2024-09-01", end: "2024-09-30") {
  staffing { police } enforcement { kind count flags } } }"""
CORE_REPORT = """query { report(name: "intersection_nonmotor.city", city: "320100", start: "2024-09-01",
  end: "2024-09-30") { columns rows { label values } } }"""
BACKWARD_REPORT = """query { intersectionReport(city: "320100", start: "2024-09-30",
  end: "2024-09-01") { city } }"""
AREA_PER_BIKE_2 = """mutation { measureSettingSet(measure: "intersection_nonmotor", scopeCode: "320100",
  key: "area_per_bike_m2", value: 2.0) { errors { code } } }"""

ONE_STAGE = {"stopLine": True, "waitingAreaM2": 60, "peakWaitingBikes": 30, "separation": "PHYSICAL",
             "leftTurn": "ONE_STAGE", "leftTurnSignal": True, "guideLines": True}  # fmt: skip
TWO_STAGE = {"stopLine": True, "waitingAreaM2": 60, "peakWaitingBikes": 30, "separation": "MARKING",
             "leftTurn": "TWO_STAGE", "nonMotorSignal": True, "noEntryZone": True, "twoStageSign": True,
             "secondStageAreaM2": 30, "peakLeftTurnBikes": 20}  # fmt: skip


def save(
    env: Any, design: dict, who: Any = "road_officer", city: str = "320100",
    name: str = "新街口路口", **extra: Any,
) -> dict:  # fmt: skip
    """`intersectionSave` of `design` (as the Nanjing road officer by default); the payload."""
    body = {"input": {"city": city, "name": name, "design": design, **extra}}
    return env.data(SAVE, body, as_=who)["intersectionSave"]


def make_key(env: Any, day_from: str = "2024-09-02") -> str:
    """Save a one-stage intersection and designate it key (ACCIDENTS, HIGH_FLOW); its id."""
    site = save(env, ONE_STAGE)["intersection"]
    out = env.data(
        KEY, {"id": site["id"], "r": ["ACCIDENTS", "HIGH_FLOW", "ACCIDENTS"]}, as_="supervisor"
    )
    assert out["intersectionKeySet"]["intersection"]["keyReasons"] == ["ACCIDENTS", "HIGH_FLOW"]
    assert out["intersectionKeySet"]["intersection"]["keySince"] == day_from
    return site["id"]


def enforcement(
    site: str, kind: str = "RED_LIGHT", action: str = "FINE", day: str = "2024-09-02", **extra: Any
) -> dict:
    """The variables of ENFORCE: cases of `kind` at `site` on `day`, dealt with by `action`."""
    return {"input": {"intersectionId": site, "day": day, "kind": kind, "action": action, **extra}}
