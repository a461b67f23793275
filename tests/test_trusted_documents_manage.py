"""Trusted documents, continued: a firm lists and removes its documents (so one at the limit is
not stuck), re-registering under a new name renames and says so; shipped documents run by the
hash of the file's exact bytes and by its exact text; the §7 example runs as printed; the
partner operations of §8 (endpoint, grants, me) are shipped, so they run in production."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlmodel import select

from core.audit.models import AuditEvent
from core.graphql import trusted
from core.graphql.trusted import TrustedDocument, document_id
from tests.test_trusted_documents import VERIFY, _allow_registering, _env, _payload, _post

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "core/graphql/trusted_documents"
REGISTER = """mutation($d: String!, $n: String!, $p: ID) {
  trustedDocumentRegister(document: $d, name: $n, partnerId: $p) {
    documentId name previousName errors { code } } }"""
LIST = """query($p: ID) { trustedDocuments(partnerId: $p) { documentId name registeredAt } }"""
REMOVE = """mutation($d: String!, $p: ID) { trustedDocumentRemove(documentId: $d, partnerId: $p) {
  documentId name errors { code field } } }"""
CITIES = "{ cities { code } }"


@pytest.fixture
def prod_env(pool):
    env = _env(pool, mode="production")
    env.payload = _payload(env)
    return env


def _vars(env) -> dict:
    return {"in": {"payload": env.payload, "purpose": "车辆租赁"}}


def _register(env, as_, document=VERIFY, name="verify", partner_id=None) -> dict:
    variables = {"d": document, "n": name, "p": partner_id}
    return env.data(REGISTER, variables, as_=as_)["trustedDocumentRegister"]


def test_a_firm_lists_renames_and_removes_its_documents(make_env, monkeypatch):
    from core.api import trusted_documents

    env = make_env(["e_driving_licence"])
    rental = env.refs["rental"][0].id
    # without the scope: FORBIDDEN for the list and the removal too
    body = env.gql(LIST, {}, as_="rental")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    _allow_registering(env, province="320000")
    first = _register(env, "rental")
    again = _register(env, "rental", name="verify-online")
    assert again == {
        "documentId": first["documentId"],
        "name": "verify-online",
        "previousName": "verify",
        "errors": [],
    }
    listed = env.data(LIST, {}, as_="rental")["trustedDocuments"]
    assert [(d["documentId"], d["name"]) for d in listed] == [
        (document_id(VERIFY), "verify-online")
    ]
    assert env.data(LIST, {"p": rental}, as_="province_admin")["trustedDocuments"] == listed
    body = env.gql(LIST, {"p": rental}, as_="province_admin_gd")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    # at the limit, a removal makes room
    monkeypatch.setattr(trusted_documents, "MAX_PER_FIRM", 1)
    assert _register(env, "rental", document=CITIES)["errors"][0]["code"] == (
        "TRUSTED_DOCUMENT_LIMIT"
    )
    refused = env.data(REMOVE, {"d": first["documentId"], "p": rental}, as_="province_admin_gd")
    assert refused["trustedDocumentRemove"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    removed = env.data(REMOVE, {"d": first["documentId"]}, as_="rental")["trustedDocumentRemove"]
    assert removed == {"documentId": first["documentId"], "name": "verify-online", "errors": []}
    gone = env.data(REMOVE, {"d": first["documentId"]}, as_="rental")["trustedDocumentRemove"]
    assert gone["errors"] == [{"code": "NOT_FOUND", "field": "documentId"}]
    bad = env.data(REMOVE, {"d": "sha256:xyz"}, as_="rental")["trustedDocumentRemove"]
    assert bad["errors"][0]["code"] == "INVALID_INPUT"
    assert _register(env, "rental", document=CITIES)["errors"] == []
    with env.session() as s:
        assert [r.sha256 for r in s.exec(select(TrustedDocument)).all()] == [
            document_id(CITIES)[7:]
        ]
        actions = [
            e.action if e.outcome == "OK" else "refused"
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.action.like("core.trusted_document%"))  # type: ignore[attr-defined]
            ).all()
        ]
    assert actions.count("core.trusted_document_manage") == 1  # the one removal that happened
    assert actions.count("core.trusted_document_register") == 3  # and the limit refused


def test_a_removed_document_stops_running_by_id(prod_env, monkeypatch):
    env = prod_env
    _allow_registering(env)
    register = (SHIPPED / "TrustedDocumentRegister.graphql").read_text()
    remove = (SHIPPED / "TrustedDocumentRemove.graphql").read_text()
    out = _post(env, {"query": register, "variables": {"document": VERIFY, "name": "v"}}, "rental")
    doc = out.json()["data"]["trustedDocumentRegister"]["documentId"]
    ran = _post(env, {"documentId": doc, "variables": _vars(env)}, as_="rental")
    assert ran.json()["data"]["eDrivingLicenceVerify"]["verification"]["accepted"] is True
    out = _post(env, {"query": remove, "variables": {"documentId": doc}}, as_="rental")
    assert out.json()["data"]["trustedDocumentRemove"]["errors"] == []
    monkeypatch.setattr(trusted, "RECHECK_SECONDS", -1.0)  # the recheck interval has passed
    refused = _post(env, {"documentId": doc, "variables": _vars(env)}, as_="rental")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_shipped_documents_run_by_the_files_hash_and_exact_text(prod_env):
    env = prod_env
    path = ROOT / "plugins/e_driving_licence/trusted_documents/PartnerPageVerify.graphql"
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    for body in (
        {"documentId": "sha256:" + hashlib.sha256(raw).hexdigest()},  # what sha256sum prints
        {"query": raw.decode()},  # the file's exact text
        {"query": raw.decode().rstrip("\n")},  # the one normalisation: no final line break
    ):
        answer = _post(env, {**body, "variables": {"i": _vars(env)["in"]}}, as_="rental")
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["eDrivingLicenceVerify"]["verification"]["accepted"]


def test_the_section_7_example_runs_as_printed(prod_env):
    env = prod_env
    doc = (ROOT / "docs/partners.md").read_text()
    block = re.search(r"```graphql\n(# example: trusted-register\n.*?)```", doc, re.S).group(1)
    _allow_registering(env)
    answer = _post(
        env, {"query": block, "variables": {"document": VERIFY, "name": "verify"}}, as_="rental"
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["trustedDocumentRegister"]["documentId"] == document_id(VERIFY)


def test_partner_operations_of_section_8_are_shipped(prod_env):
    env = prod_env
    insurer = env.refs["insurer"]

    def run(name: str, variables: dict) -> dict:
        text = (SHIPPED / f"{name}.graphql").read_text()
        answer = _post(env, {"query": text, "variables": variables}, as_=insurer)
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    assert run("Me", {})["me"]["partnerOrgId"] == insurer[0].id
    out = run("MonitoringWebhookEndpointSet", {"url": "https://93.184.216.34/licence"})  # no DNS
    assert out["monitoringWebhookEndpointSet"]["errors"] == []
    assert out["monitoringWebhookEndpointSet"]["secret"]
    grants = run("PartnerMonitoringGrants", {"status": "ACTIVE"})["partnerMonitoringGrants"]
    assert grants["nodes"] == [] and grants["totalCount"] == 0
    listed = run("TrustedDocuments", {})
    assert listed is None or listed == {"trustedDocuments": []}
    # any other text is still refused in production
    refused = _post(env, {"query": "{ me { kind } }"}, as_=insurer)
    assert refused.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
