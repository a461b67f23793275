"""M13 online verification: a licence past its validity (claim 10) is refused as the offline
verifier refuses it (DOCUMENT_EXPIRED), and a partner needs the `vehicle_licence:verify` scope, as
M01 needs `licence:verify`."""

from __future__ import annotations

import datetime as dt

from core.registries.vehicles import Vehicle
from core.testing import at
from core.testing_db import row_count, update_row
from verifier import TrustStore, Verifier

from ..models import EvlVerification
from .helpers import ROADSIDE, VERIFY, issue, payload

VERIFY_RULE = """mutation($p: String!) { eVehicleLicenceVerify(input: {payload: $p, purpose: "承保"}) {
  errors { code field rule } verification { accepted } } }"""
LOG = "{ myEVehicleLicenceVerifications { nodes { result } } }"


def _verify(env, text, who):
    return env.data(VERIFY, {"p": text}, as_=who)["eVehicleLicenceVerify"]["verification"]


def test_a_licence_past_its_validity_is_refused_online_as_offline(evl):
    env = evl()  # 2024-09-02 09:00 Beijing time
    issue(env)
    car = env.refs["zhang_car"]
    update_row(env, Vehicle, car.id, inspection_valid_until=dt.date(2024, 9, 2))
    v = _verify(env, payload(env), "road_officer")  # valid through its last day
    assert v["accepted"] and v["reasons"] == [], v
    # 00:30 Beijing time on the next day (still 2024-09-02 in UTC): the request's clock decides
    env.clock.set(at("2024-09-03", hour=0) + dt.timedelta(minutes=30))
    text = payload(env)
    v = _verify(env, text, "road_officer")
    assert not v["accepted"] and v["reasons"] == ["DOCUMENT_EXPIRED"], v
    assert v["liveStatus"] == "INVALID" and v["vehicle"]["plate"] == car.plate
    v = _verify(env, text, env.refs["insurer"])
    assert not v["accepted"] and v["reasons"] == ["DOCUMENT_EXPIRED"], v
    assert v["claims"] == [{"name": "status", "value": "INVALID"}]
    log = env.data(LOG, as_="zhang_account")["myEVehicleLicenceVerifications"]["nodes"]
    results = [n["result"] for n in log]
    assert results.count("REJECTED:DOCUMENT_EXPIRED") == 2, results
    # the offline verifier gives the same reason for the same payload at the same instant
    store = TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())
    answer = Verifier(store).verify(text, now=env.clock.now().timestamp())
    assert "DOCUMENT_EXPIRED" in answer.reasons and answer.verdict == "REJECT"
    # at the roadside such an e-licence does not verify: handled per law (2024-一-五-3)
    check = env.data(
        ROADSIDE,
        {"plate": car.plate, "p": "E_LICENCE", "c": "320100", "q": text},
        as_="road_officer",
    )["eVehicleLicenceRoadsideCheck"]["check"]
    assert check["outcome"] == "HANDLE_PER_LAW"


def test_a_licence_without_a_validity_date_is_not_expired(evl):
    env = evl()
    issue(env)
    update_row(env, Vehicle, env.refs["zhang_car"].id, inspection_valid_until=None)
    assert _verify(env, payload(env), "road_officer")["accepted"]


def test_a_partner_without_the_vehicle_licence_scope_is_refused(evl):
    env = evl()
    issue(env)
    text = payload(env)
    org, client = env.refs["insurer"]
    assert "vehicle_licence:verify" in org.scopes  # the demo insurer verifies vehicle licences
    org.scopes = [s for s in org.scopes if s != "vehicle_licence:verify"]  # the token carries these
    body = env.data(VERIFY_RULE, {"p": text}, as_=(org, client))["eVehicleLicenceVerify"]
    assert body["verification"] is None
    assert body["errors"] == [
        {"code": "FORBIDDEN", "field": None, "rule": "M13: partner registration scope"}
    ]
    assert row_count(env, EvlVerification) == 0
    org.scopes = [*org.scopes, "vehicle_licence:verify"]
    body = env.data(VERIFY_RULE, {"p": text}, as_=(org, client))["eVehicleLicenceVerify"]
    assert body == {"errors": [], "verification": {"accepted": True}}
