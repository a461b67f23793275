"""Shared GraphQL documents and builders of the M16 tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from ..models import Booking
from ..rules import MEASURE

SECURITY = "申请人信息仅用于本次业务，业务办结后删除。"
LIABILITY = "牌证寄递遗失或损毁的，由快递企业赔偿。"
PLUGINS = [MEASURE]
TODAY = "2024-09-02"
D = dt.date.fromisoformat

AREA_SET = """mutation($input: CourierPilotAreaInput!) { courierPilotAreaSet(input: $input) {
  errors { code field rule city } area { id name businesses active } } }"""
SIGN = """mutation($input: CourierAgreementInput!) { courierAgreementSign(input: $input) {
  errors { code field rule } agreement { id status businesses } } }"""
STATUS = """mutation($id: ID!, $status: CourierAgreementStatus!, $reason: String) {
  courierAgreementStatusSet(agreementId: $id, status: $status, reason: $reason) {
  errors { code field rule } agreement { id status statusReason } } }"""
STAFF_ADD = """mutation($city: String!, $name: String!, $code: String!) {
  courierStaffAdd(city: $city, name: $name, staffCode: $code) { errors { code field rule } staff { id } } }"""
QUALIFY = """mutation($id: ID!, $until: Date!) { courierStaffQualify(staffId: $id, qualificationNo: "CY-1",
  validUntil: $until) { errors { code field } staff { id inspectorQualifiedUntil } } }"""
BOOK = """mutation($input: CourierBookingInput!) { courierBookingCreate(input: $input) {
  errors { code field rule measure city date }
  booking { id status visitDate guidance feeStandard { item amountYuan } } } }"""
ASSIGN = """mutation($b: ID!, $s: ID!) { courierBookingAssign(bookingId: $b, staffId: $s) {
  errors { code field rule } booking { id status staff { staffCode } } } }"""
VISIT = """mutation($input: CourierVisitInput!) { courierVisitRecord(input: $input) {
  errors { code field rule } booking { id status applicationId totalYuan charges { item amountYuan } } } }"""
REVIEW = """mutation($b: ID!, $ok: Boolean!, $note: String) { courierBookingReview(bookingId: $b, approve: $ok, note: $note) {
  errors { code field rule } booking { id status } } }"""
SHIP = """mutation($b: ID!, $done: Boolean!, $t: String) { courierShipmentEventAdd(bookingId: $b, delivered: $done, trackingNumber: $t) {
  errors { code field rule } booking { id status trackingNumber events { status actorKind } } } }"""
VIEW = (
    """query($b: ID!) { courierBooking(bookingId: $b) { id status address events { status } } }"""
)
AREAS = """query($city: String!) { courierPilotAreas(city: $city) { id name agreements { courierName status } } }"""
LIST = """query($city: String!) { courierBookings(city: $city) { totalCount nodes { id } } }"""
REPORT = """query { report(name: "courier_service.bookings", city: "320100", start: "2024-09-01", end: "2024-09-30") {
  columns rows { label values } } }"""


class World:
    """A Nanjing pilot: area 溧水区, the demo courier under agreement, a qualified inspector."""

    def __init__(
        self, env, valid_until: str | None = "2025-06-30", qualified_until: str = "2026-01-01"
    ):
        self.env = env
        env.set_rollout(MEASURE, "320100", valid_from=D("2024-07-01"))
        self.courier = env.refs["courier"]
        area = env.data(AREA_SET, {"input": {"city": "320100", "name": "溧水区", "businesses": [
            "E_BIKE_REGISTRATION", "MOTORCYCLE_REGISTRATION", "PLATE_REPLACEMENT"]}},
            as_="province_admin")["courierPilotAreaSet"]  # fmt: skip
        assert area["errors"] == [], area
        self.area_id = area["area"]["id"]
        signed = env.data(SIGN, {"input": {"courierOrgId": self.courier[0].id, "areaId": self.area_id,
            "businesses": ["MOTORCYCLE_REGISTRATION", "PLATE_REPLACEMENT"], "validFrom": "2024-07-01",
            "validUntil": valid_until, "postageCapYuan": 15, "dataSecurityTerms": SECURITY,
            "liabilityTerms": LIABILITY}}, as_="supervisor")["courierAgreementSign"]  # fmt: skip
        assert signed["errors"] == [], signed
        self.agreement_id = signed["agreement"]["id"]
        self.inspector_id = self.staff("EMS-1")
        self.plain_id = self.staff("EMS-2")
        q = env.data(QUALIFY, {"id": self.inspector_id, "until": qualified_until}, as_="supervisor")
        assert q["courierStaffQualify"]["errors"] == []

    def staff(self, code: str) -> str:
        out = self.env.data(
            STAFF_ADD, {"city": "320100", "name": "快递员", "code": code}, as_=self.courier
        )
        assert out["courierStaffAdd"]["errors"] == [], out
        return out["courierStaffAdd"]["staff"]["id"]

    def book(
        self, business="MOTORCYCLE_REGISTRATION", visit="2024-09-05", who="zhang_account", **extra
    ):
        body = {"areaId": self.area_id, "courierOrgId": self.courier[0].id, "business": business,
                "address": "南京市溧水区示例路1号", "visitDate": visit, **extra}  # fmt: skip
        return self.env.data(BOOK, {"input": body}, as_=who)["courierBookingCreate"]

    def visit(self, booking_id, charges=(), inspection=True, identity=True, as_=None):
        body = {"bookingId": booking_id, "identityVerified": identity, "materials": ["身份证", "合格证"],
                "inspectionPassed": inspection, "charges": list(charges)}  # fmt: skip
        return self.env.data(VISIT, {"input": body}, as_=as_ or self.courier)["courierVisitRecord"]


def bookings(env) -> list[Booking]:
    with env.session() as s:
        return list(s.exec(select(Booking)).all())
