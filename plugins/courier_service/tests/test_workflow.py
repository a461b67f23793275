"""Every state of a booking has a way out (issue 15 item 12): an approved booking whose applicant
chose not to have the plates mailed is handed over at the window (before, nothing left APPROVED);
the declared graph is the one the service moves bookings by."""

from __future__ import annotations

from core.testing_answers import codes, top_code
from core.testing_notices import notice_templates

from ..rules import STEPS, BookingStatus
from ..workflows import BOOKING
from .helpers import ASSIGN, REVIEW, SHIP, TODAY, World

HAND_OVER = """mutation($b: ID!) { courierBookingHandOver(bookingId: $b, note: "窗口领取") {
  errors { code field rule } booking { id status events { status actorKind } } } }"""


def _approved(env, w, mail: bool):
    bid = w.book("PLATE_REPLACEMENT", vehicleId=env.refs["zhang_moto"].id, mailPlates=mail)
    bid = bid["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.plain_id}, as_=w.courier)
    charges = [{"item": "PLATE_FEE", "amountYuan": 35}]
    assert w.visit(bid, charges, inspection=None)["errors"] == []
    env.data(REVIEW, {"b": bid, "ok": True}, as_="clerk")
    return bid


def test_collect_at_the_window_ends_an_approved_booking(make_env):
    env = make_env(["courier_service"], now=TODAY)
    w = World(env)
    bid = _approved(env, w, mail=False)
    assert top_code(env.gql(HAND_OVER, {"b": bid}, as_=w.courier)) == "FORBIDDEN"
    far = env.data(HAND_OVER, {"b": bid}, as_="clerk_sh")["courierBookingHandOver"]
    assert codes(far) == ["OUT_OF_JURISDICTION"]
    out = env.data(HAND_OVER, {"b": bid}, as_="clerk")["courierBookingHandOver"]
    assert out["errors"] == [] and out["booking"]["status"] == "DELIVERED"
    assert out["booking"]["events"][-1] == {"status": "DELIVERED", "actorKind": "STAFF"}
    templates = notice_templates(env, "zhang_account")
    assert "courier_service.delivered" in templates
    again = env.data(HAND_OVER, {"b": bid}, as_="clerk")["courierBookingHandOver"]
    assert codes(again) == ["INVALID_STEP"]


def test_mailed_plates_are_not_handed_over_nor_delivered_unshipped(make_env):
    env = make_env(["courier_service"], now=TODAY)
    w = World(env)
    bid = _approved(env, w, mail=True)
    out = env.data(HAND_OVER, {"b": bid}, as_="clerk")["courierBookingHandOver"]
    assert codes(out) == ["INVALID_STEP"]
    early = env.data(SHIP, {"b": bid, "done": True}, as_=w.courier)["courierShipmentEventAdd"]
    assert codes(early) == ["INVALID_STEP"]
    shipped = env.data(SHIP, {"b": bid, "done": False, "t": "EMS-123456"}, as_=w.courier)
    assert shipped["courierShipmentEventAdd"]["booking"]["status"] == "SHIPPED"
    done = env.data(SHIP, {"b": bid, "done": True}, as_=w.courier)["courierShipmentEventAdd"]
    assert done["booking"]["status"] == "DELIVERED"


def test_the_declared_graph_is_the_services_and_strands_no_one():
    assert BOOKING.problems() == []
    declared = {(source, t.target) for t in BOOKING.transitions for source in t.source}
    steps = {(a.value, b.value) for a, targets in STEPS.items() for b in targets}
    assert declared == steps
    assert set(BOOKING.states) == {s.value for s in BookingStatus}
