"""M16: bookings for a unit's vehicle (2024 八-三), agreement data-security and liability terms
(四-一-2), service follow-ups (四-三-3), and open bookings told of a suspension (issue 16)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import UnitMember, UnitRole
from core.outbox import OutboxMessage
from core.testing_answers import codes, top_code
from core.testing_db import row_count

from ..models import Agreement, Booking, FollowUp
from .helpers import (
    AREA_SET,
    LIABILITY,
    PLUGINS,
    REPORT,
    REVIEW,
    SECURITY,
    SIGN,
    STATUS,
    TODAY,
    World,
)

FOLLOW_UP = """mutation($input: CourierFollowUpInput!) { courierFollowUpRecord(input: $input) {
  errors { code field rule } followUp { channel reached satisfied problems note } } }"""
VIEW = """query($b: ID!) { courierBooking(bookingId: $b) { id unitId followUps { channel satisfied problems } } }"""
TERMS = """query($city: String!) { courierPilotAreas(city: $city) { agreements { dataSecurityTerms liabilityTerms } } }"""


def _unit_book(w, who="zhang_account", **extra):
    env = w.env
    return w.book(
        "PLATE_REPLACEMENT", who=who, vehicleId=env.refs["unit_car"].id,
        unitId=env.refs["unit"].id, **extra,
    )  # fmt: skip


def test_a_unit_manager_books_for_the_unit_vehicle(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    booked = _unit_book(w)
    assert booked["errors"] == []
    bid = booked["booking"]["id"]
    assert env.data(VIEW, {"b": bid}, as_="zhang_account")["courierBooking"]["unitId"] == (
        env.refs["unit"].id
    )
    with env.session() as s:
        assert s.get(Booking, bid).unit_id == env.refs["unit"].id


def test_unit_booking_refusals(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    # li is a plain user of the unit without the window's 补换领牌证 grant
    user = _unit_book(w, who="li_account")
    assert codes(user) == ["COURIER_UNIT_PERMISSION_REQUIRED"]
    assert user["errors"][0]["rule"].startswith("M20 2024-八-三")
    assert codes(_unit_book(w, who="elder_account")) == ["NOT_FOUND"]  # not a member
    # the unit's vehicle without unitId is not the caller's own; a personal car with unitId either
    assert codes(w.book("PLATE_REPLACEMENT", vehicleId=env.refs["unit_car"].id)) == ["NOT_FOUND"]
    mine = w.book(
        "PLATE_REPLACEMENT", vehicleId=env.refs["zhang_moto"].id, unitId=env.refs["unit"].id
    )
    assert codes(mine) == ["NOT_FOUND"]
    register = w.book("MOTORCYCLE_REGISTRATION", unitId=env.refs["unit"].id)
    assert codes(register) == ["INVALID_INPUT"]
    assert row_count(env, Booking) == 0
    # granted at a window, the user may book
    with env.session() as s:
        m = s.exec(
            select(UnitMember).where(
                UnitMember.person_id == env.refs["li"].id, UnitMember.role == UnitRole.USER.value
            )
        ).one()
        m.can_replace_plates = True
        s.add(m)
        s.commit()
    assert _unit_book(w, who="li_account")["errors"] == []


def test_holders_of_open_bookings_are_told_of_a_suspension(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    open_id = w.book()["booking"]["id"]  # zhang, BOOKED
    done_id = w.book(visit="2024-09-06", who="zhang_account")["booking"]["id"]
    env.data(
        "mutation($b: ID!) { courierBookingCancel(bookingId: $b) { errors { code } } }",
        {"b": done_id},
        as_="zhang_account",
    )
    env.data(
        STATUS,
        {"id": w.agreement_id, "status": "SUSPENDED", "reason": "违规收费"},
        as_="supervisor",
    )
    with env.session() as s:
        told = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.template == "courier_service.courier_suspended"
            )
        ).all()
    assert [(m.person_id, m.params["booking"]) for m in told] == [(env.refs["zhang"].id, open_id)]
    assert "暂停" in told[0].text and "中国邮政速递物流" in told[0].text
    # resuming and suspending again tells again; a second SUSPENDED with no change does not
    env.data(
        STATUS, {"id": w.agreement_id, "status": "SUSPENDED", "reason": "再次"}, as_="supervisor"
    )
    with env.session() as s:
        assert (
            len(
                s.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.template == "courier_service.courier_suspended"
                    )
                ).all()
            )
            == 1
        )


def test_agreement_records_data_security_and_liability_terms(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    terms = env.data(TERMS, {"city": "320100"}, as_="zhang_account")["courierPilotAreas"]
    assert terms[0]["agreements"] == [{"dataSecurityTerms": SECURITY, "liabilityTerms": LIABILITY}]
    area = env.data(AREA_SET, {"input": {"city": "320100", "name": "高淳区", "businesses": ["PLATE_REPLACEMENT"]}},
                    as_="province_admin")["courierPilotAreaSet"]["area"]["id"]  # fmt: skip
    base = {"courierOrgId": w.courier[0].id, "areaId": area, "businesses": ["PLATE_REPLACEMENT"],
            "validFrom": "2024-09-01"}  # fmt: skip
    for missing in ({}, {"dataSecurityTerms": SECURITY}, {"liabilityTerms": LIABILITY}):
        out = env.data(SIGN, {"input": {**base, **missing}}, as_="supervisor")[
            "courierAgreementSign"
        ]
        assert codes(out) == ["INVALID_INPUT"], missing
        assert out["errors"][0]["field"] in ("dataSecurityTerms", "liabilityTerms")
    ok = env.data(SIGN, {"input": {**base, "dataSecurityTerms": SECURITY, "liabilityTerms": LIABILITY}},
                  as_="supervisor")["courierAgreementSign"]  # fmt: skip
    assert ok["errors"] == []
    assert row_count(env, Agreement) == 2


def test_office_records_follow_ups_from_the_visit_on(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    entry = {"bookingId": bid, "channel": "PHONE", "satisfied": False, "problems": ["EXTRA_CHARGE"],
             "note": "快递员要求另付上门费"}  # fmt: skip
    early = env.data(FOLLOW_UP, {"input": entry}, as_="clerk")["courierFollowUpRecord"]
    assert codes(early) == ["INVALID_STEP"] and early["errors"][0]["rule"].startswith(
        "M16 2024-四-三-3"
    )
    env.data("mutation($b: ID!, $s: ID!) { courierBookingAssign(bookingId: $b, staffId: $s) { errors { code } } }",
             {"b": bid, "s": w.inspector_id}, as_=w.courier)  # fmt: skip
    assert w.visit(bid)["errors"] == []
    assert top_code(env.gql(FOLLOW_UP, {"input": entry}, as_="zhang_account")) == "FORBIDDEN"
    assert top_code(env.gql(FOLLOW_UP, {"input": entry}, as_=w.courier)) == "FORBIDDEN"
    other = env.data(FOLLOW_UP, {"input": entry}, as_="clerk_sh")["courierFollowUpRecord"]
    assert codes(other) == ["OUT_OF_JURISDICTION"]
    not_reached = {"bookingId": bid, "channel": "PHONE", "reached": False, "satisfied": True}
    assert codes(
        env.data(FOLLOW_UP, {"input": not_reached}, as_="clerk")["courierFollowUpRecord"]
    ) == ["INVALID_INPUT"]
    no_answer = {"bookingId": bid, "channel": "APP"}
    assert codes(
        env.data(FOLLOW_UP, {"input": no_answer}, as_="clerk")["courierFollowUpRecord"]
    ) == ["INVALID_INPUT"]
    done = env.data(FOLLOW_UP, {"input": entry}, as_="clerk")["courierFollowUpRecord"]
    assert done["errors"] == [] and done["followUp"]["problems"] == ["EXTRA_CHARGE"]
    env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk")
    later = env.data(FOLLOW_UP, {"input": {"bookingId": bid, "channel": "SMS", "satisfied": True}},
                     as_="supervisor")["courierFollowUpRecord"]  # fmt: skip
    assert later["errors"] == []
    seen = env.data(VIEW, {"b": bid}, as_="zhang_account")["courierBooking"]["followUps"]
    assert seen == [
        {"channel": "PHONE", "satisfied": False, "problems": ["EXTRA_CHARGE"]},
        {"channel": "SMS", "satisfied": True, "problems": []},
    ]
    assert row_count(env, FollowUp) == 2
    report = env.data(REPORT, as_="supervisor")["report"]
    assert report["columns"][-2:] == ["follow_ups", "follow_ups_unsatisfied"]
    assert report["rows"][0]["values"][-2:] == ["2", "1"]


def test_follow_up_refused_where_the_measure_is_off(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.set_rollout("courier_service", "320100", enabled=False, valid_from=dt.date(2024, 9, 1))
    out = env.data(FOLLOW_UP, {"input": {"bookingId": bid, "channel": "PHONE", "satisfied": True}},
                   as_="clerk")["courierFollowUpRecord"]  # fmt: skip
    assert codes(out) == ["FEATURE_NOT_ENABLED"]
