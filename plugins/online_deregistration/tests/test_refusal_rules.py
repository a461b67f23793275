"""Review finding: every refusal of M15 names its rule (the seed clause), as a client reads it
through the API. Before, DEREG_NOTE_REQUIRED and DEREG_PENDING_APPLICATION (and a few more)
carried `rule: null`."""

from __future__ import annotations

from core.registries.vehicles import Vehicle
from core.testing_db import update_row

from ..errors import DeregistrationErrorCode
from .helpers import APPLY

REVIEW = """mutation($id: ID!, $ok: Boolean!, $n: String) { deregistrationReview(input: {applicationId: $id,
  approve: $ok, note: $n}) { errors { code field rule } } }"""
REPORT = """mutation($vin: String!, $d: Date!) { deregistrationScrapReport(input: {vin: $vin,
  recyclingCertificateNo: "HS-1", scrappedOn: $d, scrapCity: "310100"}) {
  errors { code field rule } report { id } } }"""
PROCESS = """mutation($id: ID!) { deregistrationScrapProcess(reportId: $id) { errors { code field rule } } }"""
REJECT = """mutation($id: ID!) { deregistrationScrapReportReject(reportId: $id, reason: "抵押") {
  errors { code field rule } } }"""
TRANSFER = """mutation($i: UsedCarTransferApplyInput!) { usedCarTransferApply(input: $i) {
  errors { code } } }"""


def test_every_m15_refusal_names_its_rule(make_env):
    env = make_env(["online_deregistration", "used_car_transfer"], now="2024-09-02")
    seen: dict[str, dict] = {}

    def refused(body: dict) -> None:
        (payload,) = body.values()
        assert payload["errors"], payload
        for err in payload["errors"]:
            seen.setdefault(err["code"], err)

    zhang, elder, li = env.refs["zhang_car"], env.refs["elder_car"], env.refs["li_car"]
    # DEREG_PENDING_APPLICATION: a second application while one is open
    first = env.data(APPLY, {"id": zhang.id, "r": "SCRAPPED"}, as_="zhang_account")
    app_id = first["deregistrationApply"]["application"]["id"]
    refused(env.data(APPLY, {"id": zhang.id, "r": "SCRAPPED"}, as_="zhang_account"))
    # DEREG_NOTE_REQUIRED: a rejection without a note
    refused(env.data(REVIEW, {"id": app_id, "ok": False, "n": None}, as_="clerk"))
    # DEREG_SCRAP_DATE: a scrap date in the future
    firm = env.refs["scrapping"]
    refused(env.data(REPORT, {"vin": elder.vin, "d": "2024-09-03"}, as_=firm))
    # ALREADY_EXISTS: a second report while one is pending
    report = env.data(REPORT, {"vin": elder.vin, "d": "2024-09-02"}, as_=firm)
    report_id = report["deregistrationScrapReport"]["report"]["id"]
    refused(env.data(REPORT, {"vin": elder.vin, "d": "2024-09-02"}, as_=firm))
    # DEREG_NOT_DEREGISTRABLE: the car is mortgaged
    update_row(env, Vehicle, elder.id, mortgaged=True)
    refused(env.data(PROCESS, {"id": report_id}, as_="clerk"))
    # DEREG_REPORT_ALREADY_PROCESSED: a closed report
    env.data(REJECT, {"id": report_id}, as_="clerk")
    refused(env.data(REJECT, {"id": report_id}, as_="clerk"))
    # DEREG_ALREADY_DEREGISTERED: once the owner's application is approved
    ok = env.data(REVIEW, {"id": app_id, "ok": True, "n": "ok"}, as_="clerk")
    assert ok["deregistrationReview"]["errors"] == []
    refused(env.data(APPLY, {"id": zhang.id, "r": "SCRAPPED"}, as_="zhang_account"))
    # DEREG_OPEN_BUSINESS: a transfer to a buyer is open
    i = {"vin": li.vin, "plate": li.plate, "tradeCity": "320100",
         "invoiceNumber": "INV20240801", "invoiceDate": "2024-08-20"}  # fmt: skip
    assert env.data(TRANSFER, {"i": i}, as_="zhang_account")["usedCarTransferApply"]["errors"] == []
    refused(env.data(APPLY, {"id": li.id, "r": "EXPORTED"}, as_="li_account"))

    expected = {c.value for c in DeregistrationErrorCode} | {"ALREADY_EXISTS"}
    assert expected <= set(seen), sorted(expected - set(seen))
    unnamed = {code: err for code, err in seen.items() if code in expected and not err["rule"]}
    assert unnamed == {}
    for code in ("DEREG_NOTE_REQUIRED", "DEREG_PENDING_APPLICATION"):
        assert seen[code]["rule"].startswith("M15 2024-三-"), seen[code]


def test_a_commerce_partner_without_the_scope_is_refused_with_its_rule(dereg):
    """deregistrationCertificateVerify needs `deregistration:verify` on the partner's credential
    (ctx.require_scope, as M01 and M13); a token issued without it is refused, naming the rule
    (before: rule null); with it the same check is accepted."""
    import copy

    from .helpers import SHOW, VERIFY, approve

    env = dereg()
    certificate = approve(env)["certificate"]
    text = env.data(SHOW, {"id": certificate["id"]}, as_="zhang_account")
    text = text["deregistrationCertificateShow"]["text"]
    org, client = env.refs["commerce"]
    scopeless = copy.copy(org)
    scopeless.scopes = []  # a token issued while the registration lacked the scope
    body = env.data(
        VERIFY.replace("errors { code", "errors { code rule"), {"p": text}, as_=(scopeless, client)
    )
    (error,) = body["deregistrationCertificateVerify"]["errors"]
    assert error["code"] == "FORBIDDEN" and error["rule"] == "M15: partner registration scope"
    ok = env.data(VERIFY, {"p": text}, as_=env.refs["commerce"])["deregistrationCertificateVerify"]
    assert ok["errors"] == []
