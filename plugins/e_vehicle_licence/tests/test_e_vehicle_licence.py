"""M13 through the GraphQL API: issue, show, verify, roadside outcomes, grants and violations."""

import datetime as dt

import pytest
from sqlmodel import select

from core.db import stamp
from core.documents.credentials import IssuedCredential
from core.registries.applications import Application
from core.registries.vehicles import FiledDriver, Vehicle, Violation
from core.testing_db import row_count, update_row
from verifier import TrustStore, Verifier

from .. import rules
from ..models import EvlGrant
from .helpers import APPLY, GRANT, HANDLE, REVIEW, REVOKE, ROADSIDE, SHOW, VERIFY, issue, payload


def test_owner_applies_clerk_issues_and_shows(evl):
    env = evl()
    out = issue(env)
    assert out["eLicence"]["liveStatus"] == "VALID" and out["eLicence"]["paperLicenceMustBeCarried"]
    text = payload(env)
    assert text.startswith("VL1:") and len(text) <= 250
    v = env.data(VERIFY, {"p": text}, as_="road_officer")["eVehicleLicenceVerify"]["verification"]
    assert v["accepted"] and v["vehicle"]["plate"] == env.refs["zhang_car"].plate
    v = env.data(VERIFY, {"p": text}, as_=env.refs["insurer"])["eVehicleLicenceVerify"][
        "verification"
    ]
    assert (
        v["accepted"]
        and v["vehicle"] is None
        and v["claims"] == [{"name": "status", "value": "VALID"}]
    )
    assert v["receipt"].startswith("VR2:")
    log = env.data(
        "{ myEVehicleLicenceVerifications { nodes { verifierKind verifierName purpose claims result } } }",
        as_="zhang_account",
    )["myEVehicleLicenceVerifications"]["nodes"]
    assert {(r["verifierKind"], r["purpose"], r["result"]) for r in log} == {
        ("STAFF", "承保", "ACCEPTED"),
        ("PARTNER", "承保", "ACCEPTED"),
    }
    assert any(
        r["verifierName"] == "平安财产保险南京分公司" and r["claims"] == ["status"] for r in log
    )
    store = TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())
    answer = Verifier(store).verify(text, now=env.clock.now().timestamp())
    assert answer.kind == "VL" and answer.signature_valid and answer.verdict == "INCONCLUSIVE"


def test_not_owner_refused_role_other_city(evl):
    env = evl()
    body = env.data(APPLY, {"id": env.refs["li_car"].id}, as_="zhang_account")[
        "eVehicleLicenceApply"
    ]
    assert body["errors"][0]["code"] == "NOT_FOUND"
    assert (
        env.gql(APPLY, {"id": env.refs["zhang_car"].id}, as_="clerk")["errors"][0]["extensions"][
            "code"
        ]
        == "FORBIDDEN"
    )
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id}, as_="zhang_account")[
        "eVehicleLicenceApply"
    ]
    out = env.data(REVIEW, {"id": body["application"]["id"]}, as_="clerk_sh")[
        "eVehicleLicenceReview"
    ]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(VERIFY, {"p": "VL1:X"}, as_="zhang_account")["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )


def test_rollout_boundary_2024_07_01(evl):
    env = evl(now="2024-06-30")
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id}, as_="zhang_account")[
        "eVehicleLicenceApply"
    ]
    assert body["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, Application) == 0
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id}, as_="zhang_account")[
        "eVehicleLicenceApply"
    ]
    assert body["errors"] == []


def test_verification_not_gated_by_rollout_and_live_status(evl):
    env = evl()
    issue(env)
    text = payload(env)
    env.set_rollout("e_vehicle_licence", "320100", enabled=False)
    update_row(env, Vehicle, env.refs["zhang_car"].id, status="SEIZED")
    v = env.data(VERIFY, {"p": text}, as_="clerk_bj")["eVehicleLicenceVerify"]["verification"]
    assert not v["accepted"] and v["liveStatus"] == "SUSPENDED"
    tampered = text[:-5] + ("0" if text[-5] != "0" else "1") + text[-4:]
    v = env.data(VERIFY, {"p": tampered}, as_="road_officer")["eVehicleLicenceVerify"][
        "verification"
    ]
    assert not v["accepted"] and v["liveStatus"] is None
    body = env.data(VERIFY, {"p": "x" * 700}, as_="road_officer")["eVehicleLicenceVerify"]
    assert body["errors"][0]["code"] == "TOO_LONG"


@pytest.mark.parametrize(
    "presented,valid,outcome,fine",
    [
        ("PAPER", False, "COMPLIANT", False),
        ("E_LICENCE", True, "WARNING_NO_FINE", False),
        ("E_LICENCE", False, "HANDLE_PER_LAW", True),
        ("NONE", False, "HANDLE_PER_LAW", True),
    ],
)
def test_roadside_outcome_rule(presented, valid, outcome, fine):
    assert rules.roadside_outcome(presented, valid)[:2] == (outcome, fine)


def test_roadside_check_through_the_api(evl):
    env = evl()
    issue(env)
    plate = env.refs["zhang_car"].plate
    text = payload(env)
    check = env.data(
        ROADSIDE, {"plate": plate, "p": "E_LICENCE", "c": "320100", "q": text}, as_="road_officer"
    )
    c = check["eVehicleLicenceRoadsideCheck"]["check"]
    assert c == {"outcome": "WARNING_NO_FINE", "fineAllowed": False, "rule": rules.R_WARNING}
    c = env.data(ROADSIDE, {"plate": plate, "p": "NONE", "c": "320100"}, as_="road_officer")
    assert c["eVehicleLicenceRoadsideCheck"]["check"]["outcome"] == "HANDLE_PER_LAW"
    c = env.data(ROADSIDE, {"plate": plate, "p": "PAPER", "c": "320100"}, as_="road_officer")
    assert c["eVehicleLicenceRoadsideCheck"]["check"]["outcome"] == "COMPLIANT"
    c = env.data(
        ROADSIDE,
        {"plate": plate, "p": "E_LICENCE", "c": "320100", "q": "VL1:BAD"},
        as_="road_officer",
    )
    assert c["eVehicleLicenceRoadsideCheck"]["check"]["outcome"] == "HANDLE_PER_LAW"
    c = env.data(ROADSIDE, {"plate": plate, "p": "PAPER", "c": "310100"}, as_="road_officer")
    assert c["eVehicleLicenceRoadsideCheck"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"


def _file(env, car, person, at):
    with env.session() as s:
        f = FiledDriver(vehicle_id=car.id, person_id=person.id, filed_at=stamp(at))
        s.add(f)
        s.commit()
        return f.id


def _violation(env, car, at, on_site=False):
    with env.session() as s:
        v = Violation(
            vehicle_id=car.id,
            occurred_at=stamp(at),
            city_code="320100",
            description="闯红灯",
            on_site=on_site,
        )
        s.add(v)
        s.commit()
        return v.id


def test_grant_to_filed_user_and_non_site_violations_after_filing(evl):
    env = evl()
    car, li = env.refs["zhang_car"], env.refs["li"]
    filed_at = env.clock.now() - dt.timedelta(days=10)
    until = (env.clock.now() + dt.timedelta(days=30)).date().isoformat()
    body = env.data(GRANT, {"v": car.id, "g": li.id, "u": until}, as_="zhang_account")[
        "eVehicleLicenceGrantCreate"
    ]
    assert (
        body["errors"][0]["code"] == "EVL_NOT_A_FILED_USER"
        and "2024-一-五-4" in body["errors"][0]["rule"]
    )
    _file(env, car, li, filed_at)
    body = env.data(GRANT, {"v": car.id, "g": li.id, "u": until}, as_="zhang_account")[
        "eVehicleLicenceGrantCreate"
    ]
    assert body["errors"] == []
    grant_id = body["grant"]["id"]
    before = _violation(env, car, filed_at - dt.timedelta(seconds=1))
    at_filing = _violation(env, car, filed_at)
    on_site = _violation(env, car, filed_at + dt.timedelta(days=1), on_site=True)
    other = _violation(env, env.refs["elder_car"], filed_at + dt.timedelta(days=1))
    assert (
        env.data(HANDLE, {"id": before}, as_="li_account")["eVehicleLicenceViolationHandle"][
            "errors"
        ][0]["code"]
        == "EVL_VIOLATION_BEFORE_FILING"
    )
    assert (
        env.data(HANDLE, {"id": on_site}, as_="li_account")["eVehicleLicenceViolationHandle"][
            "errors"
        ][0]["code"]
        == "EVL_ON_SITE_VIOLATION"
    )
    assert (
        env.data(HANDLE, {"id": other}, as_="li_account")["eVehicleLicenceViolationHandle"][
            "errors"
        ][0]["code"]
        == "EVL_NO_ACTIVE_GRANT"
    )
    ok = env.data(HANDLE, {"id": at_filing}, as_="li_account")["eVehicleLicenceViolationHandle"]
    assert ok["errors"] == [] and ok["status"] == "HANDLED"
    assert (
        env.data(HANDLE, {"id": at_filing}, as_="li_account")["eVehicleLicenceViolationHandle"][
            "errors"
        ][0]["code"]
        == "EVL_ALREADY_HANDLED"
    )
    # the grantee may show the e-vehicle licence once issued
    issue(env)
    assert payload(env, who="li_account").startswith("VL1:")
    # revoked: no more showing or handling
    env.data(REVOKE, {"id": grant_id}, as_="zhang_account")
    later = _violation(env, car, filed_at + dt.timedelta(days=2))
    assert (
        env.data(HANDLE, {"id": later}, as_="li_account")["eVehicleLicenceViolationHandle"][
            "errors"
        ][0]["code"]
        == "EVL_NO_ACTIVE_GRANT"
    )
    assert (
        env.gql(SHOW, {"id": car.id}, as_="li_account")["errors"][0]["extensions"]["code"]
        == "NOT_FOUND"
    )


def test_grant_window_boundaries(evl):
    env = evl()
    car, li = env.refs["zhang_car"], env.refs["li"]
    _file(env, car, li, env.clock.now())
    today = env.clock.now().date()
    for days, ok in ((0, False), (1, True), (366, True), (367, False)):
        u = (today + dt.timedelta(days=days)).isoformat()
        body = env.data(GRANT, {"v": car.id, "g": li.id, "u": u}, as_="zhang_account")[
            "eVehicleLicenceGrantCreate"
        ]
        assert (body["errors"] == []) is ok, (days, body)
    assert row_count(env, EvlGrant) == 2


def test_grant_expires_after_its_last_day(evl):
    env = evl()
    car, li = env.refs["zhang_car"], env.refs["li"]
    _file(env, car, li, env.clock.now() - dt.timedelta(days=1))
    until = env.clock.now().date() + dt.timedelta(days=1)
    env.data(GRANT, {"v": car.id, "g": li.id, "u": until.isoformat()}, as_="zhang_account")
    v1 = _violation(env, car, env.clock.now())
    v2 = _violation(env, car, env.clock.now())
    env.clock.set(env.clock.now() + dt.timedelta(days=1))  # the last day of the grant
    assert (
        env.data(HANDLE, {"id": v1}, as_="li_account")["eVehicleLicenceViolationHandle"]["errors"]
        == []
    )
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    assert (
        env.data(HANDLE, {"id": v2}, as_="li_account")["eVehicleLicenceViolationHandle"]["errors"][
            0
        ]["code"]
        == "EVL_NO_ACTIVE_GRANT"
    )


def test_disabled_city_refuses_issuance_nothing_written(evl):
    env = evl()
    env.set_rollout("e_vehicle_licence", "320100", enabled=False)
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id}, as_="zhang_account")[
        "eVehicleLicenceApply"
    ]
    assert body["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    with env.session() as s:
        assert (
            s.exec(select(IssuedCredential)).all() == [] and s.exec(select(Application)).all() == []
        )


def test_an_expired_payload_shows_no_live_data_but_is_in_the_owners_log(evl):
    env = evl()
    issue(env)
    text = payload(env)
    env.clock.advance(dt.timedelta(hours=1))  # long past the payload's expiry
    v = env.data(VERIFY, {"p": text}, as_="clerk_bj")["eVehicleLicenceVerify"]["verification"]
    assert not v["accepted"] and v["liveStatus"] is None
    log = env.data("{ myEVehicleLicenceVerifications { nodes { result } } }", as_="zhang_account")[
        "myEVehicleLicenceVerifications"
    ]["nodes"]
    assert [n["result"] for n in log] == ["REJECTED:PAYLOAD_EXPIRED"], log
