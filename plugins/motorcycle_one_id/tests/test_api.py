"""M14 through the GraphQL API: documents by applicant, the full business, roles, cities, rollout."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.identity import DocumentType
from core.registries.applications import Application
from core.registries.vehicles import ArchiveFile, Vehicle, VehicleCategory
from core.testing_answers import codes, top_code
from core.testing_db import row_count, write_setting

from ..models import MotorcycleCase
from .helpers import (
    CHECK,
    COMPLETE,
    PLUGINS,
    QUEUE,
    REVIEW,
    SETTING,
    SHA,
    SUBMIT,
    VIEW,
    count_cases,
    move_in,
    set_shanghai_policy,
)

# --- which documents -----------------------------------------------------------------------------


def test_mainland_resident_across_cities_shows_only_the_resident_id(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    out = env.data(CHECK, {"input": move_in(env)}, as_="zhang_account")["motorcycleDocumentsCheck"]
    assert out["crossCity"] is True
    assert out["residenceProofRequired"] is False
    assert [d["code"] for d in out["documents"]] == ["RESIDENT_ID"]
    assert out["documents"][0]["rule"].startswith("M14 2024-二-二-1")


def test_hmt_resident_with_permit_shows_only_the_permit(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_LIGHT",
            "vin": "LMC4TEST000000001"}  # fmt: skip
    out = env.data(CHECK, {"input": body}, as_="hk_account")["motorcycleDocumentsCheck"]
    assert out["applicantCategory"] == "HMT_WITH_PERMIT"
    assert [d["code"] for d in out["documents"]] == ["HMT_RESIDENCE_PERMIT"]
    assert out["documents"][0]["rule"].startswith("M14 2024-二-二-2")


def _passport_holder(env):
    with env.session() as s:
        f = env.factory(s)
        _person, account = f.citizen(
            "John Smith", id_type=DocumentType.PASSPORT, city="320100", phone="13900009001"
        )
        s.commit()
        return account


def test_foreigner_keeps_the_old_proofs_and_must_declare(make_env):
    env = make_env(PLUGINS)
    account = _passport_holder(env)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4TEST000000002"}  # fmt: skip
    refused = env.gql(CHECK, {"input": body}, as_=account)
    assert top_code(refused) == "APPLICANT_CATEGORY_REQUIRED"
    wrong = env.gql(
        CHECK, {"input": {**body, "applicantCategory": "MAINLAND_RESIDENT"}}, as_=account
    )
    assert top_code(wrong) == "APPLICANT_CATEGORY_MISMATCH"
    out = env.data(CHECK, {"input": {**body, "applicantCategory": "FOREIGNER"}}, as_=account)
    docs = [d["code"] for d in out["motorcycleDocumentsCheck"]["documents"]]
    assert docs == ["FOREIGN_PASSPORT", "FOREIGNER_RESIDENCE_PERMIT", "ACCOMMODATION_REGISTRATION"]
    assert out["motorcycleDocumentsCheck"]["residenceProofRequired"] is True


def test_mainland_resident_cannot_declare_another_category(make_env):
    env = make_env(PLUGINS)
    body = {**move_in(env), "applicantCategory": "OVERSEAS_CHINESE"}
    assert top_code(env.gql(CHECK, {"input": body}, as_="zhang_account")) == (
        "APPLICANT_CATEGORY_MISMATCH"
    )


def test_local_policy_of_the_province_overrides(make_env):
    env = make_env(PLUGINS)
    set_shanghai_policy(env)
    out = env.data(CHECK, {"input": move_in(env)}, as_="zhang_account")["motorcycleDocumentsCheck"]
    assert [d["code"] for d in out["documents"]] == [
        "RESIDENT_ID",
        "RESIDENCE_PROOF",
        "摩托车驾驶证",
    ]
    assert out["localPolicy"] == "上海市摩托车管理规定"
    assert out["documents"][1]["rule"].startswith("M14 2024-二-一-3")
    # Nanjing has no local policy: one ID
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4TEST000000003"}  # fmt: skip
    out = env.data(CHECK, {"input": body}, as_="li_account")["motorcycleDocumentsCheck"]
    assert [d["code"] for d in out["documents"]] == ["RESIDENT_ID"]


def test_misconfigured_local_policy_is_refused_and_never_read(make_env):
    env = make_env(PLUGINS)
    plain = env.data(CHECK, {"input": move_in(env)}, as_="zhang_account")
    for bad in (
        {"extraDocuments": "x"},
        {"extraDocuments": ["x"] * 11},
        {"name": ""},
        {"replacesOneId": "yes"},
        {"other": 1},
        "policy",
    ):
        out = env.data(SETTING, {"v": bad, "scope": "310000"}, as_="national_admin")
        assert out["measureSettingSet"]["errors"] == [{"code": "INVALID_INPUT", "field": "value"}]
    # a row written around the API is ignored (and logged)
    write_setting(env, "motorcycle_one_id", "310000", "local_policy", {"extraDocuments": "x"})
    assert env.data(CHECK, {"input": move_in(env)}, as_="zhang_account") == plain


def test_a_car_is_not_handled(make_env):
    env = make_env(PLUGINS)
    body = {"business": "MOVE_IN", "city": "310100", "vehicleId": env.refs["zhang_car"].id}
    out = env.data(SUBMIT, {"input": body}, as_="zhang_account")["motorcycleApplicationSubmit"]
    assert codes(out) == ["NOT_A_MOTORCYCLE"]
    assert out["errors"][0]["rule"].startswith("M14 2024-二-一-2")
    assert count_cases(env) == 0


# --- the business --------------------------------------------------------------------------------


def test_move_in_from_submission_to_electronic_archive(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    app = sub["motorcycleApplicationSubmit"]["application"]
    assert app["status"] == "SUBMITTED" and app["city"] == "310100"
    assert "*" in app["applicant"]["idNumber"]
    app_id = app["id"]

    def review(who, docs, approve=True, note=None):
        variables = {"input": {"applicationId": app_id, "approve": approve,
                               "documentsChecked": docs, "note": note}}  # fmt: skip
        return env.data(REVIEW, variables, as_=who)["motorcycleApplicationReview"]

    assert codes(review("clerk", ["RESIDENT_ID"])) == ["OUT_OF_JURISDICTION"]
    demanded = review("clerk_sh", ["RESIDENT_ID", "RESIDENCE_PROOF"])
    assert codes(demanded) == ["RESIDENCE_PROOF_NOT_REQUIRED"]
    assert codes(review("clerk_sh", [])) == ["MISSING_DOCUMENT"]
    approved = review("clerk_sh", ["RESIDENT_ID"])
    assert approved["errors"] == [] and approved["application"]["status"] == "APPROVED"
    assert codes(review("clerk_sh", ["RESIDENT_ID"])) == ["INVALID_TRANSITION"]

    def complete(files):
        variables = {"input": {"applicationId": app_id, "archiveFiles": files}}
        return env.data(COMPLETE, variables, as_="clerk_sh")["motorcycleApplicationComplete"]

    proof = {"kind": "RESIDENCE_PROOF", "title": "居住证明", "sha256": SHA}
    ident = {"kind": "IDENTITY", "title": "居民身份证扫描件", "sha256": SHA}
    assert codes(complete([ident, proof])) == ["RESIDENCE_PROOF_NOT_REQUIRED"]
    assert codes(complete([{**ident, "kind": "PHOTO"}])) == ["ARCHIVE_INCOMPLETE"]
    assert codes(complete([{**ident, "sha256": "zz"}])) == ["INVALID_INPUT"]
    # an unknown archive file kind is not a MotorcycleArchiveFileKind: a malformed request
    unknown = {"input": {"applicationId": app_id, "archiveFiles": [{**ident, "kind": "SELFIE"}]}}
    refused = env.gql(COMPLETE, unknown, as_="clerk_sh")
    assert top_code(refused) == "BAD_USER_INPUT" and refused["data"] is None
    done = complete([ident])
    assert done["errors"] == []
    vehicle = done["application"]["vehicle"]
    assert done["application"]["status"] == "COMPLETED"
    assert vehicle["registrationCity"] == "310100" and vehicle["plate"].startswith("沪A")
    with env.session() as s:
        row = s.get(Vehicle, env.refs["zhang_moto"].id)
        assert row.paper_archive is False
        kinds = [
            f.kind for f in s.exec(select(ArchiveFile).where(ArchiveFile.vehicle_id == row.id))
        ]
        assert kinds == ["M14_IDENTITY"]


def test_registration_creates_the_motorcycle(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_3W",
            "vin": "lmc4test000000004"}  # fmt: skip
    app = env.data(SUBMIT, {"input": body}, as_="li_account")["motorcycleApplicationSubmit"]
    app_id = app["application"]["id"]
    assert app["application"]["crossCity"] is True
    dup = env.data(SUBMIT, {"input": body}, as_="li_account")["motorcycleApplicationSubmit"]
    assert codes(dup) == ["CONFLICT"]
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    assert env.data(REVIEW, rev, as_="supervisor")["motorcycleApplicationReview"]["errors"] == []
    files = [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}]
    done = env.data(COMPLETE, {"input": {"applicationId": app_id, "archiveFiles": files}},
                    as_="clerk")["motorcycleApplicationComplete"]  # fmt: skip
    assert done["errors"] == []
    with env.session() as s:
        row = s.exec(select(Vehicle).where(Vehicle.vin == "LMC4TEST000000004")).one()
        assert row.owner_person_id == env.refs["li"].id
        assert row.category == VehicleCategory.MOTORCYCLE_3W.value
        assert row.registration_city == "320100"


def test_transfer_needs_vin_and_plate_and_changes_owner(make_env):
    env = make_env(PLUGINS)
    moto = env.refs["zhang_moto"]
    body = {"business": "TRANSFER", "city": "320100", "vin": moto.vin, "plate": "苏A99999"}
    wrong = env.data(SUBMIT, {"input": body}, as_="li_account")["motorcycleApplicationSubmit"]
    assert codes(wrong) == ["NOT_FOUND"]
    own = env.data(SUBMIT, {"input": {**body, "plate": moto.plate}}, as_="zhang_account")
    assert codes(own["motorcycleApplicationSubmit"]) == ["VEHICLE_NOT_ELIGIBLE"]
    ok = env.data(SUBMIT, {"input": {**body, "plate": moto.plate}}, as_="li_account")
    app_id = ok["motorcycleApplicationSubmit"]["application"]["id"]
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    env.data(REVIEW, rev, as_="clerk")
    files = [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}]
    env.data(COMPLETE, {"input": {"applicationId": app_id, "archiveFiles": files}}, as_="clerk")
    with env.session() as s:
        row = s.get(Vehicle, moto.id)
        assert row.owner_person_id == env.refs["li"].id
        assert row.registration_city == "320100" and row.plate == moto.plate


def test_co_owner_change_in_the_registration_city(make_env):
    env = make_env(PLUGINS)
    moto = env.refs["zhang_moto"]
    li = env.refs["li"]
    body = {"business": "CO_OWNER_CHANGE", "city": "320100", "vehicleId": moto.id,
            "coOwnerIdType": "MAINLAND_ID", "coOwnerIdNumber": li.id_number}  # fmt: skip
    elsewhere = env.data(SUBMIT, {"input": {**body, "city": "310100"}}, as_="zhang_account")
    assert codes(elsewhere["motorcycleApplicationSubmit"]) == ["VEHICLE_NOT_ELIGIBLE"]
    bad = env.data(SUBMIT, {"input": {**body, "coOwnerIdNumber": "320102198506151234"}},
                   as_="zhang_account")  # fmt: skip
    assert codes(bad["motorcycleApplicationSubmit"]) == ["INVALID_ID_NUMBER"]
    ok = env.data(SUBMIT, {"input": body}, as_="zhang_account")["motorcycleApplicationSubmit"]
    assert ok["errors"] == [] and ok["application"]["crossCity"] is False
    with env.session() as s:
        case = s.get(MotorcycleCase, ok["application"]["id"])
        assert case.co_owner_person_id == li.id


def test_move_in_to_the_same_city_is_refused(make_env):
    env = make_env(PLUGINS)
    out = env.data(SUBMIT, {"input": move_in(env, "320100")}, as_="zhang_account")
    assert codes(out["motorcycleApplicationSubmit"]) == ["VEHICLE_NOT_ELIGIBLE"]


# --- who may ---------------------------------------------------------------------------------------


def test_roles(make_env):
    env = make_env(PLUGINS)
    body = env.gql(SUBMIT, {"input": move_in(env)}, as_="road_officer")
    assert top_code(body) == "FORBIDDEN"
    assert top_code(env.gql(SUBMIT, {"input": move_in(env)})) == "UNAUTHENTICATED"
    assert top_code(env.gql(QUEUE, {"city": "320100"}, as_="zhang_account")) == "FORBIDDEN"
    rev = {"input": {"applicationId": "X", "approve": True}}
    assert top_code(env.gql(REVIEW, rev, as_="zhang_account")) == "FORBIDDEN"
    assert count_cases(env) == 0


def test_someone_elses_vehicle_or_application_is_not_found(make_env):
    env = make_env(PLUGINS)
    out = env.data(SUBMIT, {"input": move_in(env)}, as_="li_account")["motorcycleApplicationSubmit"]
    assert codes(out) == ["NOT_FOUND"]
    app_id = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")[
        "motorcycleApplicationSubmit"
    ]["application"]["id"]
    assert top_code(env.gql(VIEW, {"id": app_id}, as_="li_account")) == "NOT_FOUND"
    assert (
        env.data(VIEW, {"id": app_id}, as_="zhang_account")["motorcycleApplication"]["id"] == app_id
    )
    assert top_code(env.gql(VIEW, {"id": app_id}, as_="clerk")) == "OUT_OF_JURISDICTION"
    seen = env.data(VIEW, {"id": app_id}, as_="clerk_sh")["motorcycleApplication"]
    assert seen["applicant"]["name"] == "张伟"
    queue = env.data(QUEUE, {"city": "310100"}, as_="clerk_sh")["motorcycleApplicationQueue"]
    assert queue["totalCount"] == 1
    assert top_code(env.gql(QUEUE, {"city": "310100"}, as_="clerk")) == "OUT_OF_JURISDICTION"
    from core.audit import AuditEvent

    with env.session() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "motorcycle_one_id.view" in actions and "motorcycle_one_id.queue" in actions


# --- rollout ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("day,in_force", [("2024-06-30", False), ("2024-07-01", True)])
def test_in_force_from_2024_07_01(make_env, day, in_force):
    env = make_env(PLUGINS, now=day)
    out = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")[
        "motorcycleApplicationSubmit"
    ]
    if in_force:
        assert out["errors"] == []
        assert count_cases(env) == 1
    else:
        assert codes(out) == ["FEATURE_NOT_ENABLED"]
        assert out["errors"][0]["city"] == "310100"
        assert out["errors"][0]["date"] == "2024-06-30"
        assert count_cases(env) == 0
        assert row_count(env, Application) == 0


def test_disabled_city_refuses_and_writes_nothing(make_env):
    env = make_env(PLUGINS)
    env.set_rollout("motorcycle_one_id", "310100", enabled=False)
    out = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")[
        "motorcycleApplicationSubmit"
    ]
    assert codes(out) == ["FEATURE_NOT_ENABLED"]
    assert top_code(env.gql(CHECK, {"input": move_in(env)}, as_="zhang_account")) == (
        "FEATURE_NOT_ENABLED"
    )
    assert count_cases(env) == 0


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "patch,code",
    [
        ({"city": "999999"}, "UNKNOWN_CITY"),
        ({"business": "REGISTRATION", "vin": "SHORT", "vehicleCategory": "MOTORCYCLE_2W"}, "INVALID_INPUT"),
        ({"business": "REGISTRATION", "vin": "LMC4TEST00000000O", "vehicleCategory": "MOTORCYCLE_2W"}, "INVALID_INPUT"),
        ({"business": "REGISTRATION", "vin": "LMC4TEST000000005"}, "INVALID_INPUT"),
        ({"business": "REGISTRATION", "vin": "LMC4TEST000000005", "vehicleCategory": "SMALL_PASSENGER"}, "NOT_A_MOTORCYCLE"),
        ({"vehicleId": "x" * 500}, "NOT_FOUND"),
        ({"business": "TRANSFER", "vin": "LMC4TEST000000005", "plate": "x" * 50}, "INVALID_INPUT"),
    ],
)  # fmt: skip
def test_malformed_input_is_a_typed_error(make_env, patch, code):
    env = make_env(PLUGINS)
    response = env.post(SUBMIT, {"input": {**move_in(env), **patch}}, as_="zhang_account")
    assert response.status_code == 200
    out = response.json()["data"]["motorcycleApplicationSubmit"]
    assert codes(out) == [code]
    assert count_cases(env) == 0


def test_unknown_enum_is_a_graphql_error_not_a_500(make_env):
    env = make_env(PLUGINS)
    response = env.post(
        SUBMIT, {"input": {**move_in(env), "business": "SCRAP"}}, as_="zhang_account"
    )
    assert response.status_code == 200
    assert response.json()["errors"]


def test_unknown_co_owner_document_type_is_bad_user_input(make_env):
    """`coOwnerIdType` is an IdType: an unknown value is a malformed request (top level)."""
    env = make_env(PLUGINS)
    body = {"business": "CO_OWNER_CHANGE", "city": "320100", "vehicleId": env.refs["zhang_moto"].id,
            "coOwnerIdType": "NOPE", "coOwnerIdNumber": "1"}  # fmt: skip
    out = env.gql(SUBMIT, {"input": body}, as_="zhang_account")
    assert top_code(out) == "BAD_USER_INPUT" and out["data"] is None
    assert count_cases(env) == 0


def test_demo_data_loads(make_env):
    env = make_env(PLUGINS)
    from .. import demo

    with env.session() as s:
        demo.load(s, env.world.__class__(env.factory(s), dict(env.refs)))
        s.commit()
        case = s.exec(select(MotorcycleCase)).one()
        assert case.cross_city and [d["code"] for d in case.documents] == ["RESIDENT_ID"]
    _ = dt
