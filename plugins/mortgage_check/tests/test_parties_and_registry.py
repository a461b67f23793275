"""M10 (issue 16 item 4): a mortgage records its contract and the owner's written entrustment
(十-二); the owner is party to it and can dispute it; the national registry of finance companies
is kept up to date (a changed licence copy, deactivation, reactivation: 十-三)."""

from __future__ import annotations

from sqlmodel import select

from core.registries.vehicles import ArchiveFile, Vehicle
from core.testing_answers import payload
from core.testing_db import outbox_messages, row_count

from ..models import MortgageDisputeRow, MortgageFilingRow, MortgageFinanceCompanyRow
from .helpers import DOCS, PLUGINS, SHA_AF, file, file_company

MINE = """{ myMortgageFilings { totalCount nodes { id kind active lenderName ownerIsUnit
  contract { ref sha256 sealType } entrustment { ref sealType } } } }"""
RAISE = """mutation($f: ID!, $r: String!) { mortgageDisputeRaise(filingId: $f, reason: $r) {
  errors { code field rule } dispute { id status reason city } } }"""
WITHDRAW = """mutation($d: ID!) { mortgageDisputeWithdraw(disputeId: $d) {
  errors { code field rule } dispute { status } } }"""
DECIDE = """mutation($d: ID!, $up: Boolean!, $n: String!) { mortgageDisputeDecide(disputeId: $d,
  upheld: $up, note: $n) { errors { code field rule } dispute { status decisionNote } } }"""
DISPUTES = """query($c: String!, $s: MortgageDisputeStatus) { mortgageDisputes(city: $c, status: $s) {
  totalCount nodes { id status } } }"""
UPDATE = """mutation($i: MortgageFinanceCompanyUpdateInput!) { mortgageFinanceCompanyUpdate(input: $i) {
  errors { code field rule } company { licenceCopySha256 previousLicenceCopies active } } }"""
ACTIVE = """mutation($c: String!, $a: Boolean!, $r: String) {
  mortgageFinanceCompanySetActive(creditCode: $c, active: $a, reason: $r) {
  errors { code field rule } company { active statusReason } } }"""


def test_a_mortgage_records_contract_and_written_entrustment(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    for missing, code, field in [
        ("contractRef", "MORTGAGE_CONTRACT_REQUIRED", "contractRef"),
        ("contractSha256", "MORTGAGE_CONTRACT_REQUIRED", "contractSha256"),
        ("entrustmentRef", "MORTGAGE_ENTRUSTMENT_REQUIRED", "entrustmentRef"),
    ]:
        out = file(env, car, **{missing: None})
        err = out["errors"][0]
        assert (err["code"], err["field"]) == (code, field) and "十-二" in err["rule"]
    bad = file(env, car, contractSha256="xyz")
    assert bad["errors"][0] == {
        **bad["errors"][0],
        "code": "INVALID_INPUT",
        "field": "contractSha256",
    }
    with env.session() as s:
        assert s.exec(select(MortgageFilingRow)).all() == []
        assert s.get(Vehicle, car.id).mortgaged is False
    assert file(env, car)["errors"] == []
    mine = env.data(MINE, as_="zhang_account")["myMortgageFilings"]
    assert mine["totalCount"] == 1
    node = mine["nodes"][0]
    assert node["contract"] == {
        "ref": DOCS["contractRef"],
        "sha256": "c" * 64,
        "sealType": "ELECTRONIC",
    }
    assert node["entrustment"] == {"ref": DOCS["entrustmentRef"], "sealType": "PHYSICAL"}
    assert node["ownerIsUnit"] is False
    # a release needs neither; others do not see the owner's filings
    assert file(env, car, kind="RELEASE")["errors"] == []
    assert env.data(MINE, as_="li_account")["myMortgageFilings"]["totalCount"] == 0


def test_owner_disputes_and_the_office_upholds(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    file(env, car)
    fid = env.data(MINE, as_="zhang_account")["myMortgageFilings"]["nodes"][0]["id"]
    other = env.data(RAISE, {"f": fid, "r": "我没有签过抵押合同"}, as_="li_account")
    assert other["mortgageDisputeRaise"]["errors"][0]["code"] == "NOT_FOUND"
    raised = env.data(RAISE, {"f": fid, "r": "我没有签过抵押合同"}, as_="zhang_account")
    out = raised["mortgageDisputeRaise"]
    assert out["errors"] == [] and out["dispute"]["status"] == "OPEN"
    did = out["dispute"]["id"]
    twice = env.data(RAISE, {"f": fid, "r": "再次提出异议"}, as_="zhang_account")
    assert twice["mortgageDisputeRaise"]["errors"][0]["code"] == "MORTGAGE_DISPUTE_OPEN"
    told = outbox_messages(env, "mortgage_check.dispute_raised")
    assert [m.partner_org_id for m in told] == [env.refs["bank"][0].id]
    listed = env.data(DISPUTES, {"c": "320100", "s": "OPEN"}, as_="clerk")["mortgageDisputes"]
    assert listed["nodes"] == [{"id": did, "status": "OPEN"}]
    far = env.data(DECIDE, {"d": did, "up": True, "n": "合同签名非本人"}, as_="clerk_sh")
    assert far["mortgageDisputeDecide"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(DECIDE, {"d": did, "up": True, "n": "x"}, as_="zhang_account")["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    done = env.data(DECIDE, {"d": did, "up": True, "n": "合同签名非本人"}, as_="clerk")
    assert done["mortgageDisputeDecide"]["dispute"] == {
        "status": "UPHELD",
        "decisionNote": "合同签名非本人",
    }
    with env.session() as s:
        assert s.get(Vehicle, car.id).mortgaged is False
        assert s.get(MortgageFilingRow, fid).active is False
        kinds = [
            f.kind for f in s.exec(select(ArchiveFile).where(ArchiveFile.vehicle_id == car.id))
        ]
        assert "MORTGAGE_STRUCK_OFF" in kinds
    decided = outbox_messages(env, "mortgage_check.dispute_decided")
    assert {(m.person_id, m.partner_org_id) for m in decided} == {
        (env.refs["zhang"].id, None),
        (None, env.refs["bank"][0].id),
    }
    again = env.data(DECIDE, {"d": did, "up": False, "n": "再议"}, as_="clerk")
    assert again["mortgageDisputeDecide"]["errors"][0]["code"] == "MORTGAGE_DISPUTE_CLOSED"
    # the mortgage is gone: the vehicle can be mortgaged again; a struck-off filing is not disputed
    assert file(env, car)["errors"] == []
    gone = env.data(RAISE, {"f": fid, "r": "已撤销的抵押"}, as_="zhang_account")
    assert gone["mortgageDisputeRaise"]["errors"][0]["code"] == "MORTGAGE_NOT_DISPUTABLE"


def test_dismissed_or_withdrawn_leaves_the_mortgage(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    file(env, car)
    fid = env.data(MINE, as_="zhang_account")["myMortgageFilings"]["nodes"][0]["id"]
    first = env.data(RAISE, {"f": fid, "r": "金额不对"}, as_="zhang_account")
    did = first["mortgageDisputeRaise"]["dispute"]["id"]
    w = env.data(WITHDRAW, {"d": did}, as_="zhang_account")["mortgageDisputeWithdraw"]
    assert w["dispute"]["status"] == "WITHDRAWN"
    second = env.data(RAISE, {"f": fid, "r": "还是有异议"}, as_="zhang_account")
    did2 = second["mortgageDisputeRaise"]["dispute"]["id"]
    empty = env.data(DECIDE, {"d": did2, "up": False, "n": " "}, as_="clerk")
    assert empty["mortgageDisputeDecide"]["errors"][0]["field"] == "note"
    out = env.data(DECIDE, {"d": did2, "up": False, "n": "合同经核对属实"}, as_="supervisor")
    assert out["mortgageDisputeDecide"]["dispute"]["status"] == "DISMISSED"
    with env.session() as s:
        assert s.get(Vehicle, car.id).mortgaged is True
        statuses = sorted(d.status for d in s.exec(select(MortgageDisputeRow)))
    assert statuses == ["DISMISSED", "WITHDRAWN"]
    late = env.data(WITHDRAW, {"d": did2}, as_="zhang_account")["mortgageDisputeWithdraw"]
    assert late["errors"][0]["code"] == "MORTGAGE_DISPUTE_CLOSED"


def test_dispute_refused_where_the_measure_is_off(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    file(env, env.refs["zhang_car"])
    fid = env.data(MINE, as_="zhang_account")["myMortgageFilings"]["nodes"][0]["id"]
    env.set_rollout("mortgage_check", "320100", enabled=False)
    out = env.data(RAISE, {"f": fid, "r": "我没有签过"}, as_="zhang_account")[
        "mortgageDisputeRaise"
    ]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, MortgageDisputeRow) == 0


def test_a_changed_licence_copy_is_updated_not_a_lock_out(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    org = env.refs["auto_finance"][0]
    assert file_company(env)["errors"] == []
    new_sha = "d" * 64
    # the company's licence changed: before the update its new copy does not match
    assert (
        file(env, car, as_="auto_finance", sha=new_sha)["errors"][0]["code"]
        == "LICENCE_COPY_MISMATCH"
    )
    i = {"creditCode": org.credit_code, "licenceCopyRef": "oss://registry/af-2024.pdf",
         "licenceCopySha256": new_sha, "sealSha256": "f" * 64}  # fmt: skip
    assert (
        env.gql(UPDATE, {"i": i}, as_="province_admin")["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    up = payload(env.gql(UPDATE, {"i": i}, as_="national_admin"), "mortgageFinanceCompanyUpdate")
    assert up["errors"] == [] and up["company"] == {
        "licenceCopySha256": new_sha, "previousLicenceCopies": 1, "active": True,
    }  # fmt: skip
    assert (
        file(env, car, as_="auto_finance", sha=SHA_AF)["errors"][0]["code"]
        == "LICENCE_COPY_MISMATCH"
    )
    assert file(env, car, as_="auto_finance", sha=new_sha)["errors"] == []
    unknown = payload(env.gql(UPDATE, {"i": {**i, "creditCode": "91110000100000000A"}}, as_="national_admin"),
                      "mortgageFinanceCompanyUpdate")  # fmt: skip
    assert unknown["errors"][0]["code"] in ("NOT_FOUND", "INVALID_CREDIT_CODE")


def test_deactivated_company_is_refused_until_reactivated(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    code = env.refs["auto_finance"][0].credit_code
    file_company(env)
    no_reason = payload(env.gql(ACTIVE, {"c": code, "a": False}, as_="national_admin"),
                        "mortgageFinanceCompanySetActive")  # fmt: skip
    assert no_reason["errors"][0]["field"] == "reason"
    off = payload(env.gql(ACTIVE, {"c": code, "a": False, "r": "营业执照吊销"}, as_="national_admin"),
                  "mortgageFinanceCompanySetActive")  # fmt: skip
    assert off["company"] == {"active": False, "statusReason": "营业执照吊销"}
    refused = file(env, car, as_="auto_finance", sha=SHA_AF)
    assert refused["errors"][0]["code"] == "MORTGAGE_COMPANY_INACTIVE"
    assert file_company(env)["errors"][0]["code"] == "ALREADY_EXISTS"  # reactivate, not refile
    on = payload(env.gql(ACTIVE, {"c": code, "a": True}, as_="national_admin"),
                 "mortgageFinanceCompanySetActive")  # fmt: skip
    assert on["company"]["active"] is True
    assert file(env, car, as_="auto_finance", sha=SHA_AF)["errors"] == []
    with env.session() as s:
        row = s.exec(select(MortgageFinanceCompanyRow)).one()
        assert row.active and row.updated_by is not None


def test_a_unit_vehicle_mortgage_is_the_units_managers_to_dispute(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    car = env.refs["unit_car"]
    assert file(env, car)["errors"] == []
    legal = env.data(MINE, as_="zhang_account")["myMortgageFilings"]  # the unit's legal person
    (node,) = legal["nodes"]
    assert node["ownerIsUnit"] is True
    assert env.data(MINE, as_="li_account")["myMortgageFilings"]["totalCount"] == 0  # a user
    user = env.data(RAISE, {"f": node["id"], "r": "单位未签署此抵押合同"}, as_="li_account")
    assert user["mortgageDisputeRaise"]["errors"][0]["code"] == "NOT_FOUND"
    ok = env.data(RAISE, {"f": node["id"], "r": "单位未签署此抵押合同"}, as_="zhang_account")
    assert ok["mortgageDisputeRaise"]["errors"] == []
