"""GraphQL documents and builders shared by the M19 tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from core.clock import CHINA_TZ
from core.registries.licences import DrivingLicence
from core.registries.vehicles import Vehicle, Violation
from core.testing import Env

PLUGINS = ["precise_guidance"]
NOW = "2024-09-02"
D = dt.date
TODAY = D(2024, 9, 2)

SAVE = """
mutation($input: PreciseGuidanceOutletInput!, $id: ID) {
  preciseGuidanceOutletSave(input: $input, id: $id) {
    errors { code field rule city date }
    outlet { id city name latitude longitude businesses version }
  }
}"""
OUTLETS = """
query($c: String!, $b: PreciseGuidanceBusiness) { preciseGuidanceOutlets(city: $c, business: $b) {
  totalCount nodes { id name businesses } } }"""
NEAREST = """
query($b: PreciseGuidanceBusiness!, $c: String!, $lat: Float, $lon: Float) {
  preciseGuidanceNearestOutlets(business: $b, city: $c, latitude: $lat, longitude: $lon) {
    distanceKm outlet { name } } }"""
GUIDE_SAVE = """
mutation($c: String!, $b: PreciseGuidanceBusiness!, $p: String!, $m: [String!]!) {
  preciseGuidanceGuideSave(city: $c, business: $b, process: $p, materials: $m) {
    errors { code field } guide { business process materials local } } }"""
GUIDE = """
query($c: String!, $b: PreciseGuidanceBusiness!) { preciseGuidanceGuide(city: $c, business: $b) {
  process materials local } }"""
REPORT = """
mutation($o: ID!, $f: PreciseGuidanceCorrectionField!, $p: String!, $n: String) {
  preciseGuidanceCorrectionReport(outletId: $o, field: $f, proposed: $p, note: $n) {
    errors { code field rule date } correction { id status proposed field } } }"""
DECIDE = """
mutation($id: ID!, $ok: Boolean!, $note: String) {
  preciseGuidanceCorrectionDecide(id: $id, accept: $ok, note: $note) {
    errors { code field rule } correction { id status decisionNote } } }"""
CORRECTIONS = """
query($c: String!, $s: PreciseGuidanceCorrectionStatus) { preciseGuidanceCorrections(city: $c, status: $s) {
  totalCount nodes { id status } } }"""
TODOS = """
query($lat: Float, $lon: Float) { preciseGuidanceTodos(latitude: $lat, longitude: $lon) {
  business label due overdue subject subjectRef reason
  guide { process materials local }
  outlet { distanceKm outlet { name } } } }"""

MAIN = {
    "city": "320100",
    "name": "南京市车辆管理所",
    "address": "南京市玄武区红山路10号",
    "latitude": 32.097,
    "longitude": 118.811,
    "hours": "周一至周五 9:00-17:00",
    "businesses": ["INSPECTION", "EXEMPT_MARK", "RENEWAL", "VIOLATION", "PAYMENT", "SCRAP"],
    "windowGuide": "一楼大厅",
}
JIANGNING = {
    **MAIN,
    "name": "江宁登记服务站",
    "address": "南京市江宁区天元中路100号",
    "latitude": 31.953,
    "longitude": 118.840,
    "businesses": ["INSPECTION", "VIOLATION", "PAYMENT"],
}


def save(env: Env, data: dict[str, Any], as_: str = "clerk", id: str | None = None) -> Any:
    """Save an outlet (create, or update `id`) and return the payload."""
    return env.data(SAVE, {"input": data, "id": id}, as_=as_)["preciseGuidanceOutletSave"]


def outlet_id(env: Env, data: dict[str, Any] = MAIN) -> str:
    """Save an outlet that must be accepted; its id."""
    out = save(env, data)
    assert out["errors"] == [], out
    return out["outlet"]["id"]


ACTIVITY = """
query($n: String!, $c: String!, $s: Date!, $e: Date!) {
  report(name: $n, city: $c, start: $s, end: $e) { columns rows { label values } } }"""


def correction_id(env: Env, oid: str, field: str, proposed: str) -> str:
    """Zhang reports a correction of `field` of outlet `oid` to `proposed`; the correction's id."""
    out = env.data(REPORT, {"o": oid, "f": field, "p": proposed}, as_="zhang_account")
    return out["preciseGuidanceCorrectionReport"]["correction"]["id"]


def due_world(env: Env) -> None:
    """Give 张伟 a licence expiring in 90 days, a car due for inspection and an unpaid fine."""
    today = env.clock.today()
    with env.session() as s:
        lic = s.get(DrivingLicence, env.refs["zhang_licence"].id)
        lic.valid_until = today + dt.timedelta(days=90)
        car = s.get(Vehicle, env.refs["zhang_car"].id)
        car.inspection_valid_until = today + dt.timedelta(days=30)
        moto = s.get(Vehicle, env.refs["zhang_moto"].id)
        moto.inspection_valid_until = today + dt.timedelta(days=91)  # not yet
        s.add_all([lic, car, moto])
        s.add(
            Violation(
                vehicle_id=car.id,
                occurred_at=dt.datetime(2024, 8, 1, 8, tzinfo=CHINA_TZ),
                city_code="320100",
                description="违反禁止标线指示",
                fine_yuan=200,
                status="HANDLED",
            )
        )
        s.commit()


# --- rows for the pure rule tests ----------------------------------------------------------------


def licence(**kw: Any) -> SimpleNamespace:
    """A licence row for the pure to-do rules (NORMAL C1, valid until 2030)."""
    base = dict(
        id="L1",
        file_number="320100000001",
        classes="C1",
        first_issue_date=D(2008, 7, 1),
        valid_until=D(2030, 7, 1),
        status="NORMAL",
        points=0,
        issuing_city="320100",
    )
    return SimpleNamespace(**{**base, **kw})


def vehicle(**kw: Any) -> SimpleNamespace:
    """A vehicle row for the pure to-do rules (a NORMAL private car, registered 2019)."""
    base = dict(
        id="V1",
        plate="苏A00001",
        vin="LSV0000000000001",
        category="SMALL_PASSENGER",
        use="NON_OPERATING",
        status="NORMAL",
        registered_at=D(2019, 5, 1),
        inspection_valid_until=D(2025, 5, 1),
        scrap_deadline=None,
        registration_city="320100",
    )
    return SimpleNamespace(**{**base, **kw})


def kinds(todos: list[Any]) -> set[Any]:
    """The businesses of a list of to-dos."""
    return {t.business for t in todos}
