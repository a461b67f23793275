"""M06 through the GraphQL API: apply, review, handle once, cancel, rollout and refusals."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.audit import AuditEvent
from core.identity import DocumentType
from core.registries.applications import Application
from core.testing_answers import first_code, top_code
from core.testing_db import row_count, update_row

from ..models import ElderProxyAuthorisation
from .helpers import (
    APPLY,
    CANCEL,
    MINE,
    MINE_DEPRECATED,
    PLUGINS,
    REVIEW,
    REVIEW_QUEUE,
    applied,
    apply,
    apply_input,
    handle,
    make_elder,
    review,
)

BIRTH = dt.date(1961, 7, 10)  # 60 on 2021-07-10


# --- apply -----------------------------------------------------------------------------------------


def test_relative_applies_for_an_elder(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    assert app["status"] == "SUBMITTED"
    assert app["elderAgeOnApplication"] == 60
    assert app["livenessCheckRef"] == "face-20210710-0001"
    assert app["idDocumentSha256"] == "cd" * 32
    assert app["city"] == "320100" and app["iAmRelative"] is True
    number = elder["person"].id_number
    with env.session() as s:
        row = s.get(Application, app["id"])
        assert row.measure == "elderly_proxy" and row.subject_person_id == elder["person"].id
        events = s.exec(select(AuditEvent).where(AuditEvent.measure == "elderly_proxy")).all()
    assert events and all(number not in str(e.detail) for e in events)


def test_day_before_60th_birthday_refused_birthday_accepted(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-09")
    elder = make_elder(env, BIRTH)
    payload = apply(env, elder)
    assert first_code(payload) == "ELDER_PROXY_UNDER_60"
    assert payload["errors"][0]["field"] == "elderIdNumber"
    assert payload["errors"][0]["rule"].startswith("M06 2021-六-一")
    assert payload["errors"][0]["date"] == "2021-07-09"
    assert row_count(env, ElderProxyAuthorisation) == 0
    env.clock.set("2021-07-10T00:00:00+08:00")
    assert applied(env, elder)["elderAgeOnApplication"] == 60


def test_licence_business_and_hk_residence_permit(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, dt.date(1950, 1, 1), id_type=DocumentType.HMT_RESIDENCE_PERMIT)
    app = applied(
        env, elder, business="LICENCE_RENEWAL_AGE", vehicleId=None, licenceId=elder["licence"]
    )
    assert app["licenceId"] == elder["licence"] and app["elderIdType"] == "HMT_RESIDENCE_PERMIT"


def test_business_outside_the_eight_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    payload = apply(env, elder, business="TRANSFER_REGISTRATION")
    assert first_code(payload) == "ELDER_PROXY_BUSINESS_NOT_ALLOWED"
    assert "六-一-2" in payload["errors"][0]["rule"]
    assert first_code(apply(env, elder, business="drop;")) == "INVALID_INPUT"
    assert row_count(env, ElderProxyAuthorisation) == 0


def test_one_proxy_one_file(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    both = apply(env, elder, licenceId=elder["licence"])
    assert first_code(both) == "ELDER_PROXY_ONE_BUSINESS"
    wrong_kind = apply(env, elder, business="LICENCE_LOST_REPLACEMENT")
    assert first_code(wrong_kind) == "ELDER_PROXY_ONE_BUSINESS"


def test_the_file_must_be_the_elders(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    assert first_code(apply(env, elder, vehicleId=env.refs["zhang_car"].id)) == "NOT_FOUND"
    assert first_code(apply(env, elder, elderName="别人")) == "NOT_FOUND"


def test_elder_cannot_proxy_for_themself(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    payload = apply(env, env.refs["elder"], as_="elder_account", vehicleId=env.refs["elder_car"].id)
    assert first_code(payload) == "ELDER_PROXY_SELF"


def test_passport_is_not_accepted(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    payload = apply(env, elder, elderIdType="PASSPORT", elderIdNumber="E12345678")
    assert first_code(payload) == "ELDER_PROXY_DOCUMENT_NOT_ACCEPTED"


def test_malformed_input_is_a_typed_error(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    assert first_code(apply(env, elder, elderIdNumber="123")) == "INVALID_ID_NUMBER"
    # an unknown document type is not an IdType: the client's request is malformed (top level)
    unknown = env.gql(APPLY, {"input": apply_input(elder, elderIdType="X")}, as_="zhang_account")
    assert top_code(unknown) == "BAD_USER_INPUT" and unknown["data"] is None
    assert first_code(apply(env, elder, livenessCheckRef="")) == "INVALID_INPUT"
    assert first_code(apply(env, elder, idDocumentSha256="zz")) == "INVALID_INPUT"
    assert first_code(apply(env, elder, elderName="名" * 65)) == "TOO_LONG"
    response = env.post(APPLY, {"input": {"business": 3}}, as_="zhang_account")
    assert response.status_code == 200 and response.json()["errors"]
    assert row_count(env, ElderProxyAuthorisation) == 0


def test_not_in_force_before_2021_06_01(make_env) -> None:
    env = make_env(PLUGINS, now="2021-05-31")
    elder = make_elder(env, dt.date(1950, 1, 1))
    payload = apply(env, elder)
    assert first_code(payload) == "FEATURE_NOT_ENABLED"
    assert payload["errors"][0]["city"] == "320100"
    assert row_count(env, ElderProxyAuthorisation) == 0
    env.clock.set("2021-06-01")
    assert applied(env, elder)["status"] == "SUBMITTED"


def test_refused_roles(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    assert top_code(env.gql(APPLY, {"input": apply_input(elder)}, as_="clerk")) == "FORBIDDEN"
    assert top_code(env.gql(APPLY, {"input": apply_input(elder)}, as_=None)) == "UNAUTHENTICATED"
    app = applied(env, elder)
    body = env.gql(
        REVIEW, {"input": {"applicationId": app["id"], "approve": True}}, as_="zhang_account"
    )
    assert top_code(body) == "FORBIDDEN"
    body = env.gql(
        REVIEW, {"input": {"applicationId": app["id"], "approve": True}}, as_="road_officer"
    )
    assert top_code(body) == "FORBIDDEN"


# --- review ----------------------------------------------------------------------------------------


def test_clerk_reviews_in_the_elders_city(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    assert first_code(review(env, app["id"], as_="clerk_sh")) == "OUT_OF_JURISDICTION"
    queue = env.data(REVIEW_QUEUE, as_="clerk")["elderProxyReviewQueue"]
    assert [n["id"] for n in queue["nodes"]] == [app["id"]]
    assert env.data(REVIEW_QUEUE, as_="clerk_sh")["elderProxyReviewQueue"]["totalCount"] == 0
    approved = review(env, app["id"])
    assert approved["errors"] == [] and approved["application"]["status"] == "APPROVED"
    assert first_code(review(env, app["id"])) == "INVALID_TRANSITION"


def test_reject_needs_a_note(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    assert first_code(review(env, app["id"], approve=False)) == "INVALID_INPUT"
    rejected = review(env, app["id"], approve=False, note="照片不清晰")
    assert rejected["application"]["status"] == "REJECTED"
    assert first_code(handle(env, app["id"])) == "ELDER_PROXY_NOT_APPROVED"


# --- handle ----------------------------------------------------------------------------------------


def test_relative_handles_exactly_one_business(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    assert first_code(handle(env, app["id"], vehicleId=elder["car"])) == "ELDER_PROXY_NOT_APPROVED"
    review(env, app["id"])
    done = handle(env, app["id"], vehicleId=elder["car"])
    assert done["errors"] == []
    assert done["application"]["status"] == "COMPLETED" and done["application"]["usedAt"]
    assert done["handledApplication"]["business"] == "REPLACE_PLATES"
    assert done["handledApplication"]["channel"] == "PROXY"
    second = handle(env, app["id"], vehicleId=elder["car"])
    assert first_code(second) == "ELDER_PROXY_ALREADY_USED"
    assert "单笔" in second["errors"][0]["rule"]


def test_wrong_relative_wrong_business_wrong_file(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    review(env, app["id"])
    assert first_code(handle(env, app["id"], as_="li_account", vehicleId=elder["car"])) == (
        "NOT_FOUND"
    )
    assert first_code(handle(env, app["id"], as_="elder_account", vehicleId=elder["car"])) == (
        "NOT_FOUND"
    )
    other = handle(env, app["id"], business="REPLACE_VEHICLE_LICENCE", vehicleId=elder["car"])
    assert first_code(other) == "ELDER_PROXY_BUSINESS_MISMATCH"
    assert first_code(handle(env, app["id"], business="MORTGAGE", vehicleId=elder["car"])) == (
        "ELDER_PROXY_BUSINESS_NOT_ALLOWED"
    )
    wrong_file = handle(env, app["id"], vehicleId=env.refs["zhang_car"].id)
    assert first_code(wrong_file) == "ELDER_PROXY_BUSINESS_MISMATCH"
    assert handle(env, app["id"], vehicleId=elder["car"])["errors"] == []


def test_cancel_before_use(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    review(env, app["id"])
    assert first_code(
        env.data(CANCEL, {"id": app["id"]}, as_="li_account")["elderProxyCancel"]
    ) == ("NOT_FOUND")
    cancelled = env.data(CANCEL, {"id": app["id"]}, as_="zhang_account")["elderProxyCancel"]
    assert cancelled["application"]["status"] == "CANCELLED"
    assert first_code(handle(env, app["id"], vehicleId=elder["car"])) == "ELDER_PROXY_CANCELLED"
    with env.session() as s:  # audited under its own action, not as a handling
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.measure == "elderly_proxy"))
        assert "elderly_proxy.cancel" in set(actions.all())


def test_cannot_cancel_after_use(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    review(env, app["id"])
    assert handle(env, app["id"], vehicleId=elder["car"])["errors"] == []
    payload = env.data(CANCEL, {"id": app["id"]}, as_="zhang_account")["elderProxyCancel"]
    assert first_code(payload) == "ELDER_PROXY_ALREADY_USED"


def test_measure_switched_off_refuses_handling(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    review(env, app["id"])
    env.set_rollout("elderly_proxy", "320100", enabled=False)
    assert first_code(handle(env, app["id"], vehicleId=elder["car"])) == "FEATURE_NOT_ENABLED"
    with env.session() as s:
        assert s.get(ElderProxyAuthorisation, app["id"]).used_at is None


def test_relative_and_elder_see_the_application(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    app = applied(env, env.refs["elder"], vehicleId=env.refs["elder_car"].id)
    mine = env.data(MINE, as_="zhang_account")["myElderProxyApplications"]
    assert [n["id"] for n in mine["nodes"]] == [app["id"]] and mine["nodes"][0]["iAmRelative"]
    theirs = env.data(MINE, as_="elder_account")["myElderProxyApplications"]
    assert theirs["nodes"][0]["iAmRelative"] is False
    assert env.data(MINE, as_="li_account")["myElderProxyApplications"]["totalCount"] == 0
    # the old name answers the same list, deprecated
    old = env.data(MINE_DEPRECATED, as_="zhang_account")["elderProxyApplicationsMine"]
    assert [n["id"] for n in old["nodes"]] == [app["id"]]


def test_vehicle_sold_after_review_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    app = applied(env, elder)
    review(env, app["id"])
    from core.registries.vehicles import Vehicle

    update_row(env, Vehicle, elder["car"], owner_person_id=env.refs["li"].id)
    payload = handle(env, app["id"], vehicleId=elder["car"])
    assert first_code(payload) == "ELDER_PROXY_FILE_CHANGED"
    with env.session() as s:
        assert s.get(ElderProxyAuthorisation, app["id"]).used_at is None


def test_second_open_application_for_the_same_business_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    first = applied(env, elder)
    assert first_code(apply(env, elder)) == "ALREADY_EXISTS"
    assert applied(env, elder, business="REPLACE_VEHICLE_LICENCE")["status"] == "SUBMITTED"
    review(env, first["id"], approve=False, note="材料不全")
    assert applied(env, elder)["status"] == "SUBMITTED"  # a rejected one no longer blocks


def test_reviewer_cannot_be_party(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    clerk_person = env.refs["clerk"].person_id
    from core.accounts import Account

    with env.session() as s:
        f = env.factory(s)
        person, account = f.citizen("窗口亲属", city="320100")
        account.person_id = clerk_person  # the clerk's own citizen account
        s.add(account)
        s.commit()
        s.refresh(account)
        acct = s.get(Account, account.id)
    payload = env.data(APPLY, {"input": apply_input(elder)}, as_=acct)["elderProxyApply"]
    assert payload["errors"] == []
    assert first_code(review(env, payload["application"]["id"])) == "FORBIDDEN"
