"""GraphQL documents, input builders and counts shared by the residential parking tests."""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from ..models import ParkingSegment, ParkingSegmentVersion

PLUGINS = ["residential_parking"]

DESIGNATE = """
mutation($input: ResidentialParkingSegmentInput!) {
  residentialParkingSegmentDesignate(input: $input) {
    errors { code field rule measure city }
    segment { id status version marking bayCount signsInstalledOn emergencyRoute
              windows { kind start end label } }
  }
}"""

CHECK = """
query($id: ID!, $at: DateTime) {
  residentialParkingCheck(segmentId: $id, at: $at) {
    allowed reason dayType holidayName rule message segmentVersion
    matchedWindow { kind label }
  }
}"""

ADJUST = """
mutation($input: ResidentialParkingAdjustInput!) {
  residentialParkingSegmentAdjust(input: $input) {
    errors { code field rule } segment { version windows { label } }
  }
}"""

WITHDRAW = """
mutation($id: ID!, $reason: ResidentialParkingChangeReason!) {
  residentialParkingSegmentWithdraw(segmentId: $id, reason: $reason, note: "评估后调整") {
    errors { code field rule } segment { status version emergencyRoute }
  }
}"""

SIGNS = """
mutation($id: ID!, $on: Date!) {
  residentialParkingSignsRecord(segmentId: $id, installedOn: $on) {
    errors { code field rule } segment { signsInstalledOn version }
  }
}"""

HISTORY = """
query($id: ID!) {
  residentialParkingSegmentHistory(segmentId: $id) { version action status reason windows { label } }
}"""

LIST = """
query($city: String!, $all: Boolean!) {
  residentialParkingSegments(city: $city, includeWithdrawn: $all) { totalCount nodes { road status } }
}"""

REPORT = """
query($s: Date!, $e: Date!) {
  report(name: "residential_parking.segments", city: "320100", start: $s, end: $e) {
    columns rows { label values }
  }
}"""

NIGHT = {"kind": "NIGHT", "start": "19:00", "end": "07:00"}
WEEKEND_DAY = {"kind": "WEEKEND", "start": "07:00", "end": "19:00"}
HOLIDAY = {"kind": "HOLIDAY", "start": "00:00", "end": "24:00"}


def segment_input(**over: Any) -> dict[str, Any]:
    base = {
        "city": "320100",
        "county": "秦淮区",
        "road": "长白街",
        "section": "白下路至建康路",
        "emergencyRoute": False,
        "windows": [NIGHT, WEEKEND_DAY, HOLIDAY],
        "marking": "BAYS",
        "bayCount": 20,
        "bayTimeMarked": True,
        "signsInstalledOn": "2024-09-01",
    }
    base.update(over)
    return base


def designate(env: Any, as_: str = "supervisor", **over: Any) -> dict[str, Any]:
    body = env.data(DESIGNATE, {"input": segment_input(**over)}, as_=as_)
    return body["residentialParkingSegmentDesignate"]


def ask(env: Any, segment_id: str, at: str | None, as_: Any = None) -> dict[str, Any]:
    return env.data(CHECK, {"id": segment_id, "at": at}, as_=as_)["residentialParkingCheck"]


def counts(env: Any) -> tuple[int, int]:
    """(segments, versions) in the database (to prove a refusal wrote nothing)."""
    with env.session() as s:
        return (
            s.exec(select(func.count()).select_from(ParkingSegment)).one(),
            s.exec(select(func.count()).select_from(ParkingSegmentVersion)).one(),
        )
