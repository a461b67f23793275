"""M16 input in look-alike forms (issue 12, item 4): staff codes and tracking numbers are stored
in one form, so a pasted newline or a full-width spelling neither slips through nor duplicates."""

from __future__ import annotations

from sqlmodel import select

from core.testing import full_width
from core.testing_answers import codes

from ..models import Booking, CourierStaff
from .helpers import (
    ASSIGN,
    PLUGINS,
    REVIEW,
    SHIP,
    STAFF_ADD,
    TODAY,
    World,
)


def test_staff_code_in_another_spelling_is_the_same_code(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)  # adds EMS-1 and EMS-2
    again = env.data(
        STAFF_ADD, {"city": "320100", "name": "快递员", "code": full_width("ems-1")}, as_=w.courier
    )["courierStaffAdd"]
    assert codes(again) == ["ALREADY_EXISTS"]
    hidden = env.data(
        STAFF_ADD, {"city": "320100", "name": "快递\u202e员", "code": "EMS-9"}, as_=w.courier
    )["courierStaffAdd"]
    assert [(e["code"], e["field"]) for e in hidden["errors"]] == [("INVALID_INPUT", "name")]
    with env.session() as s:
        assert sorted(s.exec(select(CourierStaff.staff_code)).all()) == ["EMS-1", "EMS-2"]


def test_tracking_number_is_stored_in_one_form(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)
    w.visit(bid, [{"item": "PLATE_FEE", "amountYuan": 35}])
    env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk")
    bad = env.data(SHIP, {"b": bid, "done": False, "t": "EMS12345６⁷"}, as_=w.courier)
    assert [(e["code"], e["field"]) for e in bad["courierShipmentEventAdd"]["errors"]] == [
        ("INVALID_INPUT", "trackingNumber")
    ]
    pasted = env.data(SHIP, {"b": bid, "done": False, "t": "ems1234567\n"}, as_=w.courier)
    assert pasted["courierShipmentEventAdd"]["errors"] == []  # the line break is not stored
    with env.session() as s:
        assert s.exec(select(Booking.tracking_number)).one() == "EMS1234567"
    same = env.data(SHIP, {"b": bid, "done": False, "t": full_width("ems1234567")}, as_=w.courier)
    assert same["courierShipmentEventAdd"]["errors"] == []
    other = env.data(SHIP, {"b": bid, "done": False, "t": "EMS7654321"}, as_=w.courier)
    assert codes(other["courierShipmentEventAdd"]) == ["INVALID_INPUT"]
