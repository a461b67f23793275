"""M12 through the GraphQL API: the whole flow, roles, jurisdiction, rollout and refusals."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import Role
from core.audit import AuditEvent
from core.documents.signing import verify_document
from core.outbox import OutboxMessage
from core.testing_db import add_staff, audit_events, row_count

from ..models import AccidentCase, EvidenceItem, EvidenceRequester
from .helpers import (
    CASE,
    DELIVER,
    DOWNLOAD,
    FOLDER,
    PLUGINS,
    REGISTER,
    REPORT,
    REVIEW,
    SUBMIT,
    access_code,
    confirm,
    party,
    party_id,
    ready_case,
    register_case,
    register_requester,
)

NOW = "2021-07-01"


def test_full_flow_officer_head_party(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env)
    out = register_requester(env, case["number"], party_id(case, zhang), zhang)
    assert out["errors"] == []
    voucher = out["voucher"]
    code = voucher["accessCode"]
    assert len(code) == 8
    # 十二-二: 事故编号、查阅码、查阅途径、权利义务 on the voucher; ID and phone masked
    for part in ("事故编号：3201002021000001", f"查阅码：{code}", "查阅途径", "权利义务"):
        assert part in voucher["text"]
    assert out["requester"]["idNumber"] != zhang.id_number and "*" in out["requester"]["idNumber"]
    assert out["requester"]["phone"] == "139****0001"
    verified = verify_document(env.platform.keys, voucher["qr"], "AE1:")
    assert verified.valid and verified.claims[1] == "3201002021000001"
    assert code not in str(verified.claims) and zhang.id_number not in str(verified.claims)
    # the code is stored hashed
    with env.session() as s:
        stored = s.exec(select(EvidenceRequester)).one()
        assert code not in stored.code_hash
    # the party lists only approved, non-confidential items and downloads one
    folder = env.data(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    files = folder["accidentEvidenceFolder"]["files"]
    assert {f["id"] for f in files} == {case["diagram"], case["photo"]}
    got = env.data(
        DOWNLOAD, {"n": case["number"], "c": code, "i": case["diagram"]}, as_="zhang_account"
    )
    assert got["accidentEvidenceDownload"]["content"] == "content SCENE_DIAGRAM"
    # the confidential witness statement never leaves
    body = env.gql(
        DOWNLOAD, {"n": case["number"], "c": code, "i": case["secret"]}, as_="zhang_account"
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    with env.session() as s:
        accesses = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "accident_evidence.access", AuditEvent.outcome == "OK"
            )
        ).all()
        assert len(accesses) == 2 and all(a.subject_person_id == zhang.id for a in accesses)
        assert all(zhang.id_number not in str(a.detail) for a in s.exec(select(AuditEvent)).all())
        # parties were told at registration that they may look evidence up (十二-二)
        told = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "accident_evidence.may_access")
        ).all()
        assert {m.person_id for m in told} == {zhang.id, env.refs["elder"].id}


def test_staff_case_view_is_masked_and_audited(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env)
    register_requester(env, case["number"], party_id(case, zhang), zhang)
    data = env.data(CASE, {"n": case["number"]}, as_="accident_head")["accidentEvidenceCase"]
    assert data["requesters"][0]["idNumber"].count("*") == 8
    reads = audit_events(env, "accident_evidence.case_read")
    assert len(reads) == 1


def test_confidential_items_cannot_be_selected(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = ready_case(env)
    out = env.data(SUBMIT, {"n": case["number"], "ids": [case["secret"]]}, as_="accident_officer")
    err = out["accidentEvidenceOfferSubmit"]["errors"][0]
    assert err["code"] == "EVIDENCE_CONFIDENTIAL" and err["rule"].startswith("M12 2021-十二-一")
    with env.session() as s:
        assert s.get(EvidenceItem, case["secret"]).offer_status == "NOT_OFFERED"


def test_confidential_items_never_listed_even_if_approved(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env)
    code = access_code(env, case, zhang)
    with env.session() as s:  # a witness asks for confidentiality after approval
        item = s.get(EvidenceItem, case["photo"])
        assert item.offer_status == "APPROVED"
        item.confidentiality = "PRIVACY"
        s.add(item)
        secret = s.get(EvidenceItem, case["secret"])
        secret.offer_status = "APPROVED"  # even a (wrongly) approved confidential item
        s.add(secret)
        s.commit()
    files = env.data(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")[
        "accidentEvidenceFolder"
    ]["files"]
    assert [f["id"] for f in files] == [case["diagram"]]
    body = env.gql(
        DOWNLOAD, {"n": case["number"], "c": code, "i": case["photo"]}, as_="zhang_account"
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_before_delivery_requester_registration_is_refused(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = register_case(env)
    pid = party_id(case["case"], zhang)
    out = register_requester(env, "3201002021000001", pid, zhang)
    assert out["errors"][0]["code"] == "EVIDENCE_NOT_YET_DELIVERED"
    assert "收到事故认定书或者事故证明后" in out["errors"][0]["rule"]
    assert row_count(env, EvidenceRequester) == 0


def test_delivery_date_boundaries(make_env):
    env = make_env(PLUGINS, now=NOW)
    register_case(env, occurred_on="2021-06-10")
    n = "3201002021000001"

    def deliver(day):
        return env.data(DELIVER, {"n": n, "doc": "CERTIFICATE", "d": day}, as_="accident_officer")[
            "accidentEvidenceDeliveryRecord"
        ]

    assert deliver("2021-07-02")["errors"][0]["code"] == "INVALID_DATE"  # tomorrow
    assert deliver("2021-06-09")["errors"][0]["code"] == "INVALID_DATE"  # before the accident
    assert deliver("2021-06-10")["errors"] == []
    assert deliver("2021-07-01")["case"]["certificateDeliveredOn"] == "2021-07-01"


def test_access_boundary_day_of_delivery(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env, delivered_on="2021-07-01")
    code = access_code(env, case, zhang)
    env.clock.set("2021-06-30")  # the day before delivery: not yet
    body = env.gql(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "EVIDENCE_NOT_YET_DELIVERED"
    env.clock.set("2021-07-01")  # the delivery day: allowed
    assert env.data(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")


def test_party_of_another_accident_is_refused(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang, li = env.refs["zhang"], env.refs["li"]
    a = ready_case(env, "3201002021000001")
    b = ready_case(env, "3201002021000002", parties=[party(li), party(env.refs["elder"])])
    li_code = access_code(env, b, li)
    zhang_code = access_code(env, a, zhang)
    # li's valid code of accident B does not open accident A
    body = env.gql(FOLDER, {"n": a["number"], "c": li_code}, as_="li_account")
    assert body["errors"][0]["extensions"]["code"] == "EVIDENCE_ACCESS_DENIED"
    # zhang's code presented by li: the ID does not match the recorded one
    body = env.gql(FOLDER, {"n": a["number"], "c": zhang_code}, as_="li_account")
    assert body["errors"][0]["extensions"]["code"] == "EVIDENCE_ACCESS_DENIED"
    # li is not a party of accident A, so the officer cannot register li as its party
    out = register_requester(env, a["number"], party_id(a, zhang), li)
    assert out["errors"][0]["code"] == "EVIDENCE_NOT_A_PARTY"


def test_code_guessing_is_rate_limited(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env)
    code = access_code(env, case, zhang)
    for guess in ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"]:
        body = env.gql(FOLDER, {"n": case["number"], "c": guess}, as_="zhang_account")
        assert body["errors"][0]["extensions"]["code"] == "EVIDENCE_ACCESS_DENIED"
    # locked: even the right code is refused now
    body = env.gql(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    with env.session() as s:
        refused = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "accident_evidence.access",
                AuditEvent.outcome == "REFUSED:EVIDENCE_ACCESS_DENIED",
            )
        ).all()
        assert len(refused) == 5
    env.clock.advance(dt.timedelta(minutes=14, seconds=59))
    body = env.gql(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    env.clock.advance(dt.timedelta(seconds=2))  # window over
    assert env.data(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")


def test_guessing_locks_the_accident_for_everyone(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = ready_case(env)
    with env.session() as s:
        f = env.factory(s)
        guessers = [f.citizen(f"猜{i}", city="320100")[1] for i in range(4)]
        s.commit()
    for account in guessers:
        for i in range(5):
            env.gql(FOLDER, {"n": case["number"], "c": f"ZZZZZZ{i}{i}"}, as_=account)
    zhang = env.refs["zhang"]
    code = access_code(env, case, zhang)
    body = env.gql(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_unit_head_of_another_city_is_refused(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = register_case(env)
    assert case["errors"] == []
    head_sh = add_staff(env, "accident-head.sh", [Role.ACCIDENT_UNIT_HEAD], "310100")
    n = "3201002021000001"
    from .helpers import add_item

    item = add_item(env, n)
    confirm(env, n)
    env.data(SUBMIT, {"n": n, "ids": [item]}, as_="accident_officer")
    out = env.data(REVIEW, {"n": n, "ok": True}, as_=head_sh)["accidentEvidenceOfferReview"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(CASE, {"n": n}, as_=head_sh)
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    with env.session() as s:
        assert s.get(EvidenceItem, item).offer_status == "PENDING"


def test_refused_roles(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = register_case(env)
    n = case["case"]["accidentNumber"]
    body = env.gql(
        REGISTER,
        {
            "input": {
                "accidentNumber": "3201002021000009",
                "city": "320100",
                "procedure": "GENERAL",
                "occurredOn": "2021-06-10",
                "parties": [party(env.refs["zhang"])],
            }
        },
        as_="clerk",
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the officer may not approve (two-person rule: the unit head reviews)
    out = env.gql(REVIEW, {"n": n, "ok": True}, as_="accident_officer")
    assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a citizen may not read the case; an officer may not use the party's folder
    assert env.gql(CASE, {"n": n}, as_="zhang_account")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    body = env.gql(FOLDER, {"n": n, "c": "AAAAAAAA"}, as_="accident_officer")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(FOLDER, {"n": n, "c": "AAAAAAAA"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert row_count(env, AccidentCase) == 1


def test_not_in_force_before_the_pilot_date(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    out = register_case(env, occurred_on="2021-05-30")
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert out["errors"][0]["city"] == "320100" and out["errors"][0]["date"] == "2021-05-31"
    assert row_count(env, AccidentCase) == 0
    env.clock.set("2021-06-01")
    assert register_case(env, occurred_on="2021-05-30")["errors"] == []


def test_second_batch_provinces_from_september(make_env):
    env = make_env(PLUGINS, now="2021-08-31")
    officer_bj = add_staff(env, "accident.bj", [Role.ACCIDENT_OFFICER], "110100")
    officer_zj = add_staff(env, "accident.hz", [Role.ACCIDENT_OFFICER], "330100")
    bj = {"city": "110100", "as_": officer_bj, "occurred_on": "2021-08-01"}
    assert register_case(env, "1101002021000001", **bj)["errors"][0]["code"] == (
        "FEATURE_NOT_ENABLED"
    )
    env.clock.set("2021-09-01")
    assert register_case(env, "1101002021000001", **bj)["errors"] == []
    # Zhejiang is in neither batch
    out = register_case(
        env, "3301002021000001", city="330100", as_=officer_zj, occurred_on="2021-08-01"
    )
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"


def test_simple_procedure_accidents_are_out_of_scope(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = register_case(env, procedure="SIMPLE")
    out = env.data(
        DELIVER,
        {"n": "3201002021000001", "doc": "DETERMINATION", "d": "2021-07-01"},
        as_="accident_officer",
    )["accidentEvidenceDeliveryRecord"]
    assert out["errors"][0]["code"] == "EVIDENCE_NOT_GENERAL_PROCEDURE"
    assert case["errors"] == []


def test_deceased_party_relatives(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang, elder, li = env.refs["zhang"], env.refs["elder"], env.refs["li"]
    case = ready_case(env, parties=[party(zhang), party(elder, deceased=True, relatives=[li])])
    elder_pid = party_id(case, elder)
    # an agent cannot stand for a deceased party; a close relative can
    out = register_requester(env, case["number"], elder_pid, li, "AGENT")
    assert out["errors"][0]["code"] == "EVIDENCE_NOT_A_PARTY"
    out = register_requester(env, case["number"], elder_pid, li, "DECEASED_RELATIVE")
    assert out["errors"] == []
    code = out["voucher"]["accessCode"]
    files = env.data(FOLDER, {"n": case["number"], "c": code}, as_="li_account")
    assert len(files["accidentEvidenceFolder"]["files"]) == 2
    # a relative is for deceased parties only
    out = register_requester(env, case["number"], party_id(case, zhang), elder, "RELATIVE_AGENT")
    assert out["errors"][0]["code"] == "EVIDENCE_NOT_A_PARTY"


def test_malformed_input_is_typed(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    bad_id = party(zhang)
    bad_id["idNumber"] = zhang.id_number[:-1] + ("0" if zhang.id_number[-1] != "0" else "1")
    out = register_case(env, parties=[bad_id])
    assert out["errors"][0]["code"] == "INVALID_ID_NUMBER"
    assert out["errors"][0]["field"] == "parties[0].idNumber"
    assert register_case(env, number="x")["errors"][0]["code"] == "INVALID_INPUT"
    assert register_case(env, city="999999")["errors"][0]["code"] == "UNKNOWN_CITY"
    assert register_case(env, occurred_on="2021-07-02")["errors"][0]["code"] == "INVALID_DATE"
    long_name = party(zhang)
    long_name["name"] = "长" * 65
    assert register_case(env, parties=[long_name])["errors"][0]["code"] == "TOO_LONG"
    body = env.post(
        REGISTER,
        {
            "input": {
                "accidentNumber": "3201002021000001",
                "city": "320100",
                "procedure": "NOPE",
                "occurredOn": "2021-06-10",
                "parties": [],
            }
        },
        as_="accident_officer",
    )
    # an unknown procedure is not an AccidentEvidenceProcedure: the request is malformed (top level)
    assert body.status_code == 200 and body.json()["data"] is None
    assert body.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    wrong_document = {"n": "3201002021000001", "doc": "LETTER", "d": "2021-07-01"}
    body = env.gql(DELIVER, wrong_document, as_="accident_officer")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and body["data"] is None
    case = ready_case(env)
    out = register_requester(env, case["number"], party_id(case, zhang), zhang, phone="12345")
    assert out["errors"][0]["code"] == "EVIDENCE_INVALID_PHONE"
    body = env.gql(FOLDER, {"n": case["number"], "c": "!!"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    with env.session() as s:
        assert len(s.exec(select(AccidentCase)).all()) == 1
        assert s.exec(select(EvidenceRequester)).all() == []


def test_activity_report(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang = env.refs["zhang"]
    case = ready_case(env)
    code = access_code(env, case, zhang)
    env.data(FOLDER, {"n": case["number"], "c": code}, as_="zhang_account")
    env.gql(FOLDER, {"n": case["number"], "c": "WRONG123"}, as_="zhang_account")
    variables = {"n": "accident_evidence_activity", "c": "320100", "s": NOW, "e": NOW}
    table = env.data(REPORT, variables, as_="supervisor")["report"]
    assert dict(zip(table["columns"], table["rows"][0]["values"], strict=True)) == {
        "cases": "1",
        "items_approved": "2",
        "requesters": "1",
        "accesses": "1",
        "refused_codes": "1",
    }
    # the province is the sum of its cities: a count is not repeated once per city
    province = """query($s: Date!, $e: Date!) { report(name: "accident_evidence_activity",
      province: "320000", start: $s, end: $e) { columns rows { label values } } }"""
    table = env.data(province, {"s": NOW, "e": NOW}, as_="province_admin")["report"]
    assert table["rows"][0]["label"] == "320000"
    assert (
        dict(zip(table["columns"], table["rows"][0]["values"], strict=True))["refused_codes"] == "1"
    )
    before = {**variables, "s": "2021-06-30", "e": "2021-06-30"}  # the day before: nothing
    table = env.data(REPORT, before, as_="supervisor")["report"]
    assert table["rows"][0]["values"] == ["0", "0", "0", "0", "0"]
