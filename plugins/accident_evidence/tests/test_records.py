"""M12 records what the seed asks (issue 16 item 7): each party told at acceptance, a party who
died through their close relatives (十二-二 告知当事人各方; 十二-一 死亡事故当事人近亲属); the
party's written application, its date and document (十二-二 应当提交书面申请); the officer's
completeness check before evidence is submitted for approval (十二-四 核对…完整性)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import Role
from core.identity import make_id_number
from core.outbox import OutboxMessage
from core.testing_db import add_staff

from ..models import AccidentCase, AccidentParty, AccidentRelative, EvidenceItem
from ..offer_flow import FLOW
from .helpers import (
    CASE,
    CONFIRM,
    DELIVER,
    PLUGINS,
    REVIEW,
    SUBMIT,
    add_item,
    confirm,
    party,
    party_id,
    ready_case,
    register_case,
    register_requester,
)

NOW = "2021-07-01"
TOLD = """query($n: String!) { accidentEvidenceCase(accidentNumber: $n) { completenessCheckedAt
  parties { name deceased phone toldAt relatives { name idNumber toldAt } } } }"""
RELATIVE = """mutation($n: String!, $p: ID!, $r: AccidentEvidenceRelativeInput!) {
  accidentEvidenceRelativeAdd(accidentNumber: $n, partyId: $p, relative: $r) {
  errors { code field rule } case { parties { name relatives { name toldAt } } } } }"""


def _people(env) -> dict:
    """Persons without an account (a party, two relatives), reachable by phone only."""
    with env.session() as s:
        f = env.factory(s)
        people = {
            "walker": f.person("赵行人"),
            "son": f.person("王小明"),
            "daughter": f.person("王小红"),
        }
        s.commit()
    return people


def _sent(env, **where) -> list[OutboxMessage]:
    with env.session() as s:
        rows = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "accident_evidence.may_access")
        ).all()
    return [m for m in rows if all(getattr(m, k) == v for k, v in where.items())]


def test_every_party_is_told_at_acceptance_the_dead_through_their_relatives(make_env):
    env = make_env(PLUGINS, now=NOW)
    people = _people(env)
    zhang, elder, li = env.refs["zhang"], env.refs["elder"], env.refs["li"]
    son = people["son"]
    dead = party(elder, deceased=True, relatives=[li])  # 李娜 has an account: the app
    dead["relatives"].append(
        {"name": son.name, "idType": son.id_type, "idNumber": son.id_number, "phone": "13911112222"}
    )  # no account: SMS
    walker = party(people["walker"], phone="139 0000 7777")
    out = register_case(env, parties=[party(zhang), walker, dead])
    assert out["errors"] == [], out
    # 张伟 (account): app notice; 赵行人 (no account): SMS to the phone; the dead party's relatives
    assert sorted(m.person_id for m in _sent(env, channel="APP")) == sorted([zhang.id, li.id])
    sms = _sent(env, channel="SMS")
    assert sorted(m.phone for m in sms) == ["13900007777", "13911112222"]
    son_sms = next(m for m in sms if m.phone == "13911112222")
    assert "死亡当事人王秀英的近亲属" in son_sms.text and "3201002021000001" in son_sms.text
    case = env.data(TOLD, {"n": "3201002021000001"}, as_="accident_officer")["accidentEvidenceCase"]
    assert all(p["toldAt"] for p in case["parties"])
    by_name = {p["name"]: p for p in case["parties"]}
    assert sorted(r["name"] for r in by_name[elder.name]["relatives"]) == sorted(
        [li.name, son.name]
    )
    assert all(r["toldAt"] for r in by_name[elder.name]["relatives"])
    assert by_name["赵行人"]["phone"] == "139****7777"
    # a relative added later is told at once; relatives only for a party who died
    dead_id = party_id_by_name(env, elder.name)
    variables = {"n": "3201002021000001", "p": dead_id,
                 "r": {"name": "王小红", "idNumber": people["daughter"].id_number, "phone": "13933334444"}}  # fmt: skip
    added = env.data(RELATIVE, variables, as_="accident_officer")["accidentEvidenceRelativeAdd"]
    assert added["errors"] == [] and len(_sent(env, phone="13933334444")) == 1
    living = {**variables, "p": party_id_by_name(env, zhang.name)}
    refused = env.data(RELATIVE, living, as_="accident_officer")["accidentEvidenceRelativeAdd"]
    assert (refused["errors"][0]["code"], refused["errors"][0]["field"]) == (
        "INVALID_INPUT",
        "partyId",
    )
    body = env.gql(RELATIVE, variables, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def party_id_by_name(env, name: str) -> str:
    with env.session() as s:
        return s.exec(select(AccidentParty.id).where(AccidentParty.name == name)).first()


def test_a_party_who_cannot_be_told_is_refused_and_nothing_is_written(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang, elder = env.refs["zhang"], env.refs["elder"]
    # a party not on file at all: no account, no phone on file
    stranger = {"name": "钱路人", "idType": "MAINLAND_ID", "deceased": False, "relatives": [],
                "idNumber": make_id_number("320102", dt.date(1990, 1, 1), 917)}  # fmt: skip
    cases = [
        ([party(zhang), stranger], "parties[1].phone"),  # no account, no phone
        ([party(zhang), {**stranger, "phone": "025-83451234"}], "parties[1].phone"),  # landline
        ([party(zhang), party(elder, deceased=True)], "parties[1].relatives"),  # nobody to tell
    ]
    for parties, field in cases:
        out = register_case(env, parties=parties)
        error = out["errors"][0]
        assert (error["code"], error["field"]) == ("EVIDENCE_PARTY_UNREACHABLE", field), out
        assert "十二-二" in error["rule"]
    relatives_of_living = party(zhang, relatives=[env.refs["li"]])
    out = register_case(env, parties=[relatives_of_living])
    assert (out["errors"][0]["code"], out["errors"][0]["field"]) == (
        "INVALID_INPUT",
        "parties[0].relatives",
    )
    with env.session() as s:
        assert s.exec(select(AccidentCase)).all() == []
        assert s.exec(select(AccidentRelative)).all() == []
    assert _sent(env) == []
    # a simple-procedure case has no online evidence: nobody to tell, nothing required
    out = register_case(env, parties=[stranger], procedure="SIMPLE")
    assert out["errors"] == [] and _sent(env) == []


def test_the_written_application_is_recorded_after_delivery(make_env):
    env = make_env(PLUGINS, now="2021-07-05")
    zhang = env.refs["zhang"]
    case = ready_case(env, delivered_on="2021-07-02")
    pid = party_id(case, zhang)
    number = case["number"]
    out = register_requester(env, number, pid, zhang, application_date="2021-07-01")
    error = out["errors"][0]  # the day before delivery
    assert (error["code"], error["field"]) == ("EVIDENCE_NOT_YET_DELIVERED", "applicationDate")
    assert "书面申请" in error["rule"]
    out = register_requester(env, number, pid, zhang, application_date="2021-07-06")
    assert (out["errors"][0]["code"], out["errors"][0]["field"]) == (
        "INVALID_DATE",
        "applicationDate",
    )
    bad = env.data(
        REQUESTER_WITH_DIGEST,
        {"i": {**_requester_input(number, pid, zhang), "applicationDocumentSha256": "not a hash"}},
        as_="accident_officer",
    )["accidentEvidenceRequesterRegister"]
    assert bad["errors"][0]["field"] == "applicationDocumentSha256"
    out = register_requester(env, number, pid, zhang, application_date="2021-07-02")  # the day
    assert out["errors"] == [], out
    assert out["requester"]["applicationDate"] == "2021-07-02"
    assert out["requester"]["applicationDocumentSha256"] == "ab" * 32


REQUESTER_WITH_DIGEST = """mutation($i: AccidentEvidenceRequesterInput!) {
  accidentEvidenceRequesterRegister(input: $i) { errors { code field } } }"""


def _requester_input(number: str, pid: str, person) -> dict:
    return {
        "accidentNumber": number,
        "partyId": pid,
        "requesterType": "PARTY",
        "idType": person.id_type,
        "idNumber": person.id_number,
        "phone": "13900000001",
        "applicationDate": "2021-07-02",
    }


def test_evidence_is_submitted_only_after_the_completeness_check(make_env):
    env = make_env(PLUGINS, now=NOW)
    number = "3201002021000001"
    assert register_case(env, number)["errors"] == []
    out = env.data(CONFIRM, {"n": number}, as_="accident_officer")
    assert out["accidentEvidenceCompletenessConfirm"]["errors"][0]["code"] == (
        "EVIDENCE_COMPLETENESS_NOT_CHECKED"
    )  # nothing entered yet
    first = add_item(env, number)
    out = env.data(SUBMIT, {"n": number, "ids": [first]}, as_="accident_officer")
    error = out["accidentEvidenceOfferSubmit"]["errors"][0]
    assert error["code"] == "EVIDENCE_COMPLETENESS_NOT_CHECKED" and "十二-四" in error["rule"]
    checked = confirm(env, number)["case"]["completenessCheckedAt"]
    assert checked
    second = add_item(env, number, "SCENE_PHOTO")  # entered after the check: check again
    out = env.data(SUBMIT, {"n": number, "ids": [first]}, as_="accident_officer")
    assert out["accidentEvidenceOfferSubmit"]["errors"][0]["code"] == (
        "EVIDENCE_COMPLETENESS_NOT_CHECKED"
    )
    with env.session() as s:
        assert s.get(EvidenceItem, first).offer_status == "NOT_OFFERED"
    confirm(env, number)
    out = env.data(SUBMIT, {"n": number, "ids": [first, second]}, as_="accident_officer")
    assert out["accidentEvidenceOfferSubmit"]["errors"] == []
    # who may check: an officer of the case's city, while the measure is in force
    body = env.gql(CONFIRM, {"n": number}, as_="accident_head")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    officer_sh = add_staff(env, "accident.sh", [Role.ACCIDENT_OFFICER], "310100")
    out = env.data(CONFIRM, {"n": number}, as_=officer_sh)["accidentEvidenceCompletenessConfirm"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    env.set_rollout("accident_evidence", "320100", enabled=False, valid_from=dt.date(2021, 7, 2))
    env.clock.set("2021-07-02")
    out = env.data(CONFIRM, {"n": number}, as_="accident_officer")
    assert out["accidentEvidenceCompletenessConfirm"]["errors"][0]["code"] == "FEATURE_NOT_ENABLED"


def test_a_rejected_item_can_be_submitted_again(make_env):
    env = make_env(PLUGINS, now=NOW)
    number = "3201002021000001"
    assert register_case(env, number)["errors"] == []
    item = add_item(env, number)
    confirm(env, number)
    env.data(SUBMIT, {"n": number, "ids": [item]}, as_="accident_officer")
    out = env.data(REVIEW, {"n": number, "ok": False, "note": "照片不清晰"}, as_="accident_head")
    assert out["accidentEvidenceOfferReview"]["case"]["items"][0]["offerStatus"] == "REJECTED"
    out = env.data(SUBMIT, {"n": number, "ids": [item]}, as_="accident_officer")
    assert out["accidentEvidenceOfferSubmit"]["case"]["items"][0]["offerStatus"] == "PENDING"
    out = env.data(REVIEW, {"n": number, "ok": True}, as_="accident_head")
    assert out["accidentEvidenceOfferReview"]["case"]["items"][0]["offerStatus"] == "APPROVED"
    again = env.data(SUBMIT, {"n": number, "ids": [item]}, as_="accident_officer")
    assert again["accidentEvidenceOfferSubmit"]["errors"][0]["code"] == "EVIDENCE_ALREADY_OFFERED"
    env.data(DELIVER, {"n": number, "doc": "DETERMINATION", "d": NOW}, as_="accident_officer")
    assert env.data(CASE, {"n": number}, as_="accident_head")["accidentEvidenceCase"]["items"]


def test_the_offer_workflow_leaves_no_item_stranded(make_env):
    env = make_env(PLUGINS, now=NOW)
    assert env.platform.workflows[FLOW.name] is FLOW  # registered, so tests/test_workflows sees it
    assert FLOW.problems() == []
    assert {t.name for t in FLOW.exits("REJECTED")} == {"submit"}
