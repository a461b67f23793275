"""M16 through the GraphQL API: pilot areas, agreements, staff, bookings, visits, review, mailing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.accounts import PartnerKind
from core.registries.applications import Application
from core.testing_answers import codes, top_code
from core.testing_db import row_count

from ..models import CourierStaff, PilotArea
from .helpers import (
    AREA_SET,
    AREAS,
    ASSIGN,
    BOOK,
    LIST,
    PLUGINS,
    QUALIFY,
    REPORT,
    REVIEW,
    SHIP,
    STAFF_ADD,
    STATUS,
    TODAY,
    VIEW,
    D,
    World,
    bookings,
)

# --- the whole journey -------------------------------------------------------------------------


def test_motorcycle_registration_at_home_from_booking_to_delivery(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    booked = w.book()
    assert booked["errors"] == []
    bid = booked["booking"]["id"]
    assert {"item": "PLATE_FEE", "amountYuan": 35} in booked["booking"]["feeStandard"]
    assert any("网上选号" in g for g in booked["booking"]["guidance"])
    refused = env.data(ASSIGN, {"b": bid, "s": w.plain_id}, as_=w.courier)["courierBookingAssign"]
    assert codes(refused) == ["INSPECTOR_QUALIFICATION_REQUIRED"]
    assert refused["errors"][0]["rule"].startswith("M16 2024-四-二-2")
    ok = env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)["courierBookingAssign"]
    assert ok["booking"]["status"] == "ASSIGNED"
    assert codes(w.visit(bid, identity=False)) == ["IDENTITY_NOT_VERIFIED"]
    assert codes(w.visit(bid, inspection=None)) == ["INVALID_INPUT"]
    fees = [{"item": "PLATE_FEE", "amountYuan": 35}, {"item": "POSTAGE", "amountYuan": 12}]
    visited = w.visit(bid, fees)
    assert visited["errors"] == [] and visited["booking"]["status"] == "COLLECTED"
    assert visited["booking"]["totalYuan"] == 47
    assert codes(
        env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk_sh")["courierBookingReview"]
    ) == ["OUT_OF_JURISDICTION"]
    assert (
        env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk")["courierBookingReview"]["errors"]
        == []
    )
    bad = env.data(SHIP, {"b": bid, "done": False, "t": "x"}, as_=w.courier)[
        "courierShipmentEventAdd"
    ]
    assert codes(bad) == ["INVALID_INPUT"]
    early = env.data(SHIP, {"b": bid, "done": True}, as_=w.courier)["courierShipmentEventAdd"]
    assert codes(early) == ["INVALID_STEP"]  # delivered before shipped breaks the trail
    env.data(SHIP, {"b": bid, "done": False, "t": "EMS1234567"}, as_=w.courier)
    env.data(SHIP, {"b": bid, "done": False}, as_=w.courier)  # in transit
    done = env.data(SHIP, {"b": bid, "done": True}, as_=w.courier)["courierShipmentEventAdd"][
        "booking"
    ]
    assert done["status"] == "DELIVERED" and done["trackingNumber"] == "EMS1234567"
    assert [e["status"] for e in done["events"]] == [
        "BOOKED", "ASSIGNED", "COLLECTED", "APPROVED", "SHIPPED", "SHIPPED", "DELIVERED"
    ]  # fmt: skip
    with env.session() as s:
        app = s.exec(select(Application)).one()
        assert app.status == "COMPLETED" and app.channel == "COURIER"
    trail = env.data(VIEW, {"b": bid}, as_="zhang_account")["courierBooking"]
    assert trail["status"] == "DELIVERED"
    report = env.data(REPORT, as_="supervisor")["report"]
    assert report["rows"] == [{"label": "溧水区", "values": ["1", "1", "0", "0", "47", "0", "0"]}]


def test_failed_inspection_cannot_be_approved(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)
    assert w.visit(bid, inspection=False)["errors"] == []
    refused = env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk")["courierBookingReview"]
    assert codes(refused) == ["INSPECTOR_QUALIFICATION_REQUIRED"]
    no_note = env.data(REVIEW, {"b": bid, "ok": False}, as_="clerk")["courierBookingReview"]
    assert codes(no_note) == ["INVALID_INPUT"]
    rejected = env.data(REVIEW, {"b": bid, "ok": False, "note": "查验不合格"}, as_="clerk")
    assert rejected["courierBookingReview"]["booking"]["status"] == "REJECTED"


# --- fees ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "charges,code",
    [
        ([{"item": "PLATE_FEE", "amountYuan": 36}], "FEE_ABOVE_STANDARD"),
        ([{"item": "SERVICE_FEE", "amountYuan": 10}], "FORBIDDEN_CHARGE"),
        ([{"item": "OTHER", "amountYuan": 5}], "FORBIDDEN_CHARGE"),
        ([{"item": "POSTAGE", "amountYuan": 16}], "FEE_ABOVE_STANDARD"),
        ([{"item": "PLATE_FEE", "amountYuan": -1}], "INVALID_INPUT"),
    ],
)
def test_charges_above_the_national_standard_are_refused(make_env, charges, code):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)
    out = w.visit(bid, charges)
    assert codes(out) == [code]
    assert out["errors"][0]["field"] == "charges"
    [row] = bookings(env)
    assert row.status == "ASSIGNED" and row.application_id is None


def test_postage_only_when_mailing_was_chosen(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    moto = env.refs["zhang_moto"]
    bid = w.book("PLATE_REPLACEMENT", vehicleId=moto.id, mailPlates=False)["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.plain_id}, as_=w.courier)  # no inspection: any courier
    out = w.visit(bid, [{"item": "POSTAGE", "amountYuan": 5}], inspection=None)
    assert codes(out) == ["FORBIDDEN_CHARGE"]
    assert w.visit(bid, [{"item": "PLATE_FEE", "amountYuan": 35}], inspection=None)["errors"] == []


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "visit,ok",
    [("2024-09-02", False), ("2024-09-03", True), ("2024-10-02", True), ("2024-10-03", False)],
)
def test_booking_window_from_tomorrow_to_30_days(make_env, visit, ok):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    out = w.book(visit=visit)
    assert (out["errors"] == []) is ok
    if not ok:
        assert codes(out) == ["BAD_VISIT_DATE"] and bookings(env) == []


@pytest.mark.parametrize("visit,ok", [("2024-09-10", True), ("2024-09-11", False)])
def test_agreement_validity_covers_the_visit(make_env, visit, ok):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env, valid_until="2024-09-10")
    out = w.book(visit=visit)
    assert (out["errors"] == []) is ok
    if not ok:
        assert codes(out) == ["BAD_VISIT_DATE"]


@pytest.mark.parametrize("until,ok", [("2024-09-05", True), ("2024-09-04", False)])
def test_inspector_qualification_must_cover_the_visit_day(make_env, until, ok):
    env = make_env(PLUGINS, now="2024-09-01")
    w = World(env, qualified_until=until)
    bid = w.book(visit="2024-09-05")["booking"]["id"]
    out = env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)["courierBookingAssign"]
    assert (out["errors"] == []) is ok


def test_not_in_force_without_a_provincial_pilot(make_env):
    env = make_env(PLUGINS, now=TODAY)
    body = {"input": {"city": "320100", "name": "溧水区", "businesses": ["E_BIKE_REGISTRATION"]}}
    out = env.data(AREA_SET, body, as_="province_admin")["courierPilotAreaSet"]
    assert codes(out) == ["FEATURE_NOT_ENABLED"] and out["errors"][0]["city"] == "320100"
    assert (
        top_code(env.gql(AREAS, {"city": "320100"}, as_="zhang_account")) == "FEATURE_NOT_ENABLED"
    )
    assert row_count(env, PilotArea) == 0


@pytest.mark.parametrize("day,ok", [("2024-06-30", False), ("2024-07-01", True)])
def test_pilot_start_date_boundary(make_env, day, ok):
    env = make_env(PLUGINS, now="2024-07-01")
    w = World(env)
    env.clock.set(dt.datetime.fromisoformat(day + "T09:00:00+08:00"))
    out = w.book(visit=(D(day) + dt.timedelta(days=2)).isoformat())
    assert (out["errors"] == []) is ok
    if not ok:
        assert codes(out) == ["FEATURE_NOT_ENABLED"]


# --- suspension ----------------------------------------------------------------------------------


def test_suspended_company_takes_no_new_bookings(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    no_reason = env.data(
        STATUS, {"id": w.agreement_id, "status": "SUSPENDED"}, as_="province_admin"
    )
    assert codes(no_reason["courierAgreementStatusSet"]) == ["INVALID_INPUT"]
    env.data(
        STATUS,
        {"id": w.agreement_id, "status": "SUSPENDED", "reason": "违规收费"},
        as_="province_admin",
    )
    out = w.book()
    assert codes(out) == ["COURIER_SUSPENDED"] and out["errors"][0]["rule"].startswith(
        "M16 2024-四-三-3"
    )
    assigned = env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)[
        "courierBookingAssign"
    ]
    assert codes(assigned) == ["COURIER_SUSPENDED"]
    env.data(STATUS, {"id": w.agreement_id, "status": "ACTIVE"}, as_="supervisor")
    assert w.book()["errors"] == []
    env.data(
        STATUS, {"id": w.agreement_id, "status": "TERMINATED", "reason": "终止"}, as_="supervisor"
    )
    again = env.data(STATUS, {"id": w.agreement_id, "status": "ACTIVE"}, as_="supervisor")
    assert codes(again["courierAgreementStatusSet"]) == ["INVALID_STEP"]
    assert codes(w.book()) == ["NO_AGREEMENT"]


# --- who may ---------------------------------------------------------------------------------------


def test_roles_and_jurisdiction(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    body = {"input": {"city": "320100", "name": "高淳区", "businesses": ["E_BIKE_REGISTRATION"]}}
    assert top_code(env.gql(AREA_SET, body, as_="zhang_account")) == "FORBIDDEN"
    assert top_code(env.gql(AREA_SET, body, as_=w.courier)) == "FORBIDDEN"
    other = env.data(AREA_SET, body, as_="province_admin_gd")["courierPilotAreaSet"]
    assert codes(other) == ["OUT_OF_JURISDICTION"]
    bid = w.book()["booking"]["id"]
    assert top_code(env.gql(ASSIGN, {"b": bid, "s": w.inspector_id}, as_="clerk")) == "FORBIDDEN"
    booking = {"areaId": w.area_id, "courierOrgId": w.courier[0].id, "business": "E_BIKE_REGISTRATION",
               "address": "南京市溧水区示例路1号", "visitDate": "2024-09-05"}  # fmt: skip
    assert top_code(env.gql(BOOK, {"input": booking}, as_=w.courier)) == "FORBIDDEN"
    # another courier company sees nothing of this booking
    with env.session() as s:
        rival = env.factory(s).partner(
            "顺丰", PartnerKind.COURIER, ["courier:service"], client_id="sf-1"
        )
        s.commit()
    assert codes(
        env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=rival)["courierBookingAssign"]
    ) == ["NOT_FOUND"]
    assert top_code(env.gql(VIEW, {"b": bid}, as_=rival)) == "NOT_FOUND"
    assert env.data(LIST, {"city": "320100"}, as_=rival)["courierBookings"]["totalCount"] == 0
    assert env.data(LIST, {"city": "320100"}, as_=w.courier)["courierBookings"]["totalCount"] == 1
    assert top_code(env.gql(VIEW, {"b": bid}, as_="li_account")) == "NOT_FOUND"
    assert top_code(env.gql(VIEW, {"b": bid}, as_="clerk_sh")) == "OUT_OF_JURISDICTION"
    assert env.data(VIEW, {"b": bid}, as_="clerk")["courierBooking"]["id"] == bid
    # a rival without an agreement cannot add staff
    out = env.data(STAFF_ADD, {"city": "320100", "name": "x", "code": "SF-1"}, as_=rival)
    assert codes(out["courierStaffAdd"]) == ["NO_AGREEMENT"]
    areas = env.data(AREAS, {"city": "320100"}, as_="zhang_account")["courierPilotAreas"]
    assert areas[0]["agreements"][0]["courierName"] == "中国邮政速递物流"


def test_replacement_only_for_own_vehicle_and_area_scope(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    moto = env.refs["zhang_moto"]
    assert codes(w.book("PLATE_REPLACEMENT", vehicleId=moto.id, who="li_account")) == ["NOT_FOUND"]
    assert codes(w.book("PLATE_REPLACEMENT")) == ["INVALID_INPUT"]
    assert codes(w.book("LICENCE_REPLACEMENT", vehicleId=moto.id)) == ["NOT_A_PILOT_AREA"]
    assert codes(w.book("E_BIKE_REGISTRATION")) == ["NO_AGREEMENT"]  # area offers it, company not


@pytest.mark.parametrize(
    "patch,code",
    [
        ({"address": "x" * 201}, "TOO_LONG"),
        ({"address": " "}, "INVALID_INPUT"),
        ({"areaId": "nope"}, "NOT_FOUND"),
        ({"courierOrgId": "nope"}, "NO_AGREEMENT"),
    ],
)
def test_malformed_booking_is_a_typed_error(make_env, patch, code):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    body = {"areaId": w.area_id, "courierOrgId": w.courier[0].id, "business": "MOTORCYCLE_REGISTRATION",
            "address": "南京市溧水区示例路1号", "visitDate": "2024-09-05", **patch}  # fmt: skip
    response = env.post(BOOK, {"input": body}, as_="zhang_account")
    assert response.status_code == 200
    assert codes(response.json()["data"]["courierBookingCreate"]) == [code]
    assert bookings(env) == []


def test_bad_city_and_dates_are_typed(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    assert top_code(env.gql(AREAS, {"city": "12"}, as_="zhang_account")) == "UNKNOWN_CITY"
    past = env.data(QUALIFY, {"id": w.plain_id, "until": TODAY}, as_="supervisor")
    assert codes(past["courierStaffQualify"]) == ["INVALID_DATE"]
    dup = env.data(STAFF_ADD, {"city": "320100", "name": "x", "code": "EMS-1"}, as_=w.courier)
    assert codes(dup["courierStaffAdd"]) == ["ALREADY_EXISTS"]
    response = env.post(BOOK, {"input": {"areaId": w.area_id}}, as_="zhang_account")
    assert response.status_code == 200 and response.json()["errors"]
    assert row_count(env, CourierStaff) == 2


def test_demo_data_enables_one_pilot(make_env):
    env = make_env(PLUGINS, now=TODAY)
    from .. import demo

    with env.session() as s:
        world = env.world.__class__(env.factory(s), dict(env.refs))
        demo.load(s, world)
        s.commit()
    env.platform.rollout.reload()
    areas = env.data(AREAS, {"city": "320100"}, as_="zhang_account")["courierPilotAreas"]
    assert [a["name"] for a in areas] == ["溧水区"]
    assert (
        env.data(LIST, {"city": "320100"}, as_="zhang_account")["courierBookings"]["totalCount"]
        == 1
    )


def test_courier_credential_needs_the_scope_and_an_active_company(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    with env.session() as s:
        no_scope = env.factory(s).partner("无授权快递", PartnerKind.COURIER, [], client_id="ns-1")
        s.commit()
    out = env.data(STAFF_ADD, {"city": "320100", "name": "x", "code": "N-1"}, as_=no_scope)
    assert codes(out["courierStaffAdd"]) == ["FORBIDDEN"]
    insurer = env.gql(STAFF_ADD, {"city": "320100", "name": "x", "code": "N-2"}, as_="insurer")
    assert top_code(insurer) == "FORBIDDEN"
    with env.session() as s:
        from core.accounts import PartnerOrg

        org = s.get(PartnerOrg, w.courier[0].id)
        org.status = "SUSPENDED"
        s.add(org)
        s.commit()
    # a suspended partner firm's credentials stop working on the next request (core), and
    # citizens can no longer book it (M16)
    out = env.post(STAFF_ADD, {"city": "320100", "name": "x", "code": "N-3"}, as_=w.courier)
    assert out.status_code == 401 and out.json()["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )
    assert codes(w.book()) == ["COURIER_SUSPENDED"]
