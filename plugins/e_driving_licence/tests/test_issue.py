"""Apply -> review -> issue, through the GraphQL API: roles, rollout, jurisdiction, bad input."""

from core.accounts import Person
from core.documents.credentials import IssuedCredential
from core.registries.applications import Application
from core.testing_db import row_count, update_row

from .helpers import APPLY, MY, PHOTO, REPORT, REVIEW, apply, issue, show, verify


def test_holder_applies_clerk_approves_e_licence_issued(edl):
    env = edl()
    out = issue(env)
    assert out["application"]["status"] == "COMPLETED"
    e = out["eLicence"]
    assert e["liveStatus"] == "VALID" and e["paperLicenceStillIssued"] is True
    assert e["licence"]["classes"] == ["C1"] and e["licence"]["firstIssueDate"] == "2008-07-01"
    assert e["issuingOffice"]
    mine = env.data(MY, as_="zhang_account")["myEDrivingLicence"]
    assert mine["licence"]["status"] == "NORMAL"


def test_licence_change_shows_at_once(edl):
    env = edl()
    issue(env)
    update_row(env, type(env.refs["zhang_licence"]), env.refs["zhang_licence"].id, points=12)
    mine = env.data(MY, as_="zhang_account")["myEDrivingLicence"]
    assert mine["liveStatus"] == "SUSPENDED" and "POINTS_EXCEEDED" in mine["statusReasons"]


def test_other_persons_licence_is_not_found(edl):
    env = edl()
    body = apply(env, "zhang_account", "li_licence")
    assert body["errors"][0]["code"] == "NOT_FOUND"


def test_real_person_check_required(edl):
    env = edl()
    update_row(env, Person, env.refs["zhang"].id, real_person_verified_at=None)
    body = apply(env)
    err = body["errors"][0]
    assert err["code"] == "EDL_REAL_PERSON_REQUIRED" and err["rule"].startswith("M01 2021-一-三-1")


def test_revoked_licence_gets_no_e_licence(edl):
    env = edl()
    body = apply(env, "chen_account", "chen_licence")
    # chen's licence is SEIZED: suspended licences are issued (they show their status) ...
    assert body["errors"] == []
    update_row(env, type(env.refs["li_licence"]), env.refs["li_licence"].id, status="REVOKED")
    body = apply(env, "li_account", "li_licence")
    err = body["errors"][0]
    assert err["code"] == "EDL_LICENCE_NOT_ISSUABLE" and "2021-一-五-1" in err["rule"]


def test_refused_roles(edl):
    env = edl()
    body = env.gql(APPLY, {"id": env.refs["zhang_licence"].id, "photo": PHOTO}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(MY, as_=env.refs["insurer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    applied = apply(env)
    app_id = applied["application"]["id"]
    body = env.gql(REVIEW, {"id": app_id, "ok": True}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_clerk_of_another_city_is_refused(edl):
    env = edl()
    applied = apply(env)
    app_id = applied["application"]["id"]
    body = env.data(REVIEW, {"id": app_id, "ok": True}, as_="clerk_sh")["eDrivingLicenceReview"]
    assert body["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert row_count(env, IssuedCredential) == 0


def test_reject_needs_a_note_then_rejects(edl):
    env = edl()
    applied = apply(env)
    app_id = applied["application"]["id"]
    body = env.data(REVIEW, {"id": app_id, "ok": False}, as_="clerk")["eDrivingLicenceReview"]
    assert body["errors"][0]["code"] == "EDL_NOTE_REQUIRED"
    body = env.data(REVIEW, {"id": app_id, "ok": False, "note": "照片不清晰"}, as_="clerk")[
        "eDrivingLicenceReview"
    ]
    assert body["errors"] == [] and body["application"]["status"] == "REJECTED"


def test_duplicate_application_refused(edl):
    env = edl()
    issue(env)
    body = apply(env)
    assert body["errors"][0]["code"] == "EDL_ALREADY_ISSUED"
    assert body["errors"][0]["rule"].startswith("M01 2021-一-五-3")


def test_disabled_city_refuses_issuance(edl):
    env = edl()
    env.set_rollout("e_driving_licence", "320100", enabled=False)
    body = apply(env)
    assert body["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, Application) == 0


def test_malformed_input_is_typed(edl):
    env = edl()
    for photo in ("xyz", "a" * 65, ""):
        response = env.post(
            APPLY, {"id": env.refs["zhang_licence"].id, "photo": photo}, as_="zhang_account"
        )
        assert response.status_code == 200
        err = response.json()["data"]["eDrivingLicenceApply"]["errors"][0]
        assert err["code"] in ("INVALID_INPUT", "TOO_LONG") and err["field"] == "photoSha256"
    response = env.post(APPLY, {"id": "x" * 500, "photo": PHOTO}, as_="zhang_account")
    assert response.status_code == 200
    assert response.json()["data"]["eDrivingLicenceApply"]["errors"][0]["code"] == "NOT_FOUND"


def test_monthly_report(edl):
    env = edl()
    issue(env)
    verify(env, show(env)["payloads"][0]["text"], env.refs["insurer"])
    table = env.data(REPORT, {"c": "320100"}, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert (
        figures["applications"] == "1"
        and figures["issued"] == "1"
        and figures["verifications_partner"] == "1"
    )
    assert (
        env.gql(REPORT, {"c": "310100"}, as_="supervisor")["errors"][0]["extensions"]["code"]
        == "OUT_OF_JURISDICTION"
    )
