"""docs/partners.md cannot drift: every `# example:` block in it runs here against a test server."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from core.clock import CHINA_TZ
from plugins.e_driving_licence.tests.helpers import issue, show

DOC = (Path(__file__).resolve().parent.parent / "docs" / "partners.md").read_text()
BLOCKS = {
    m.group(2): (m.group(1), m.group(3))
    for m in re.finditer(r"```(graphql|python)\n# example: ([\w-]+)\n(.*?)```", DOC, re.S)
}


def test_the_doc_has_the_examples_this_test_runs():
    assert set(BLOCKS) == {
        "partner-token",
        "verify-online",
        "verify-offline",
        "claim-not-allowed",
        "audit-inclusion",
        "prove-logged",
        "trusted-register",
        "verify-by-id",
        "monitoring-endpoint",  # these three run in tests/test_monitoring.py
        "monitoring-grant",
        "webhook-verify",
    }


@pytest.fixture
def partner_env(make_env):
    # real time: the offline verifier example checks the payload's age against the wall clock
    env = make_env(["e_driving_licence"], now=dt.datetime.now(CHINA_TZ))
    issue(env)
    env.payload = show(env)["payloads"][0]["text"]
    return env


def test_partner_token_example(partner_env):
    body = partner_env.data(BLOCKS["partner-token"][1])
    assert body["partnerTokenCreate"]["token"] and body["partnerTokenCreate"]["errors"] == []


def test_verify_online_example(partner_env):
    variables = {"in": {"payload": partner_env.payload, "purpose": "车辆租赁", "holdsClass": "C1"}}
    out = partner_env.data(BLOCKS["verify-online"][1], variables, as_=partner_env.refs["rental"])
    verification = out["eDrivingLicenceVerify"]["verification"]
    assert verification["accepted"] is True and verification["receipt"].startswith("VR2:")
    assert {"name": "holds_class", "value": "C1:YES"} in verification["claims"]


def test_claim_not_allowed_example(partner_env):
    variables = {
        "in": {"payload": partner_env.payload, "purpose": "车辆租赁", "claims": ["valid_until"]}
    }
    out = partner_env.data(
        BLOCKS["claim-not-allowed"][1], variables, as_=partner_env.refs["rental"]
    )
    refused = out["eDrivingLicenceVerify"]["errors"][0]
    assert (refused["code"], refused["measure"]) == ("EDL_CLAIM_NOT_ALLOWED", "e_driving_licence")
    assert refused["rule"].startswith("M01 ")


def test_verify_offline_example(partner_env, capsys):
    jwks_json = partner_env.http.get("/.well-known/jwks.json").text
    status_lists = [partner_env.http.get(f"/credentials/status-lists/{i}").text for i in range(4)]
    namespace = {
        "jwks_json": jwks_json,
        "status_lists": status_lists,
        "qr_text": partner_env.payload,
    }
    exec(compile(BLOCKS["verify-offline"][1], "docs/partners.md", "exec"), namespace)  # noqa: S102
    assert capsys.readouterr().out.startswith("ACCEPT")


def test_prove_logged_examples(partner_env, capsys):
    from core.audit import sequence_all

    env = partner_env
    variables = {"in": {"payload": env.payload, "purpose": "车辆租赁"}}
    out = env.data(BLOCKS["verify-online"][1], variables, as_=env.refs["rental"])
    entry = out["eDrivingLicenceVerify"]["verification"]["auditEntry"]
    sequence_all(env.platform.engine, env.platform.keys, env.clock.now())
    proof = env.data(
        BLOCKS["audit-inclusion"][1],
        {"logId": entry["logId"], "leafHash": entry["leafHash"]},
        as_=env.refs["rental"],
    )["auditInclusionProof"]
    namespace = {
        "jwks_json": env.http.get("/.well-known/jwks.json").text,
        "proof": proof,
        "entry": entry,
    }
    exec(compile(BLOCKS["prove-logged"][1], "docs/partners.md", "exec"), namespace)  # noqa: S102
    assert capsys.readouterr().out.startswith(f"LOGGED {entry['logId']}")


def test_trusted_document_examples(partner_env, capsys):
    """§7: the partner registers the verify-online document (the registration document is the
    shipped one, so it would also run in production) and verifies by id."""
    from core.accounts import PartnerOrg
    from core.graphql.trusted import CORE_SHIPPED, document_id

    env = partner_env
    register = BLOCKS["trusted-register"][1]
    shipped = (CORE_SHIPPED / "TrustedDocumentRegister.graphql").read_text()
    assert "# example: trusted-register\n" + register == shipped  # runnable exactly as shown
    org = env.refs["rental"][0]
    with env.session() as s:
        stored = s.get(PartnerOrg, org.id)
        stored.scopes = [*stored.scopes, "documents:register"]
        s.add(stored)
        s.commit()
    org.scopes = [*org.scopes, "documents:register"]
    verify_document = BLOCKS["verify-online"][1]
    out = env.data(
        register, {"document": verify_document, "name": "verify-online"}, as_=env.refs["rental"]
    )["trustedDocumentRegister"]
    assert out["errors"] == [] and out["documentId"] == document_id(verify_document)
    namespace = {
        "post": env.http.post,
        "verify_document": verify_document,
        "qr_text": env.payload,
        "token": env.token(env.refs["rental"]),
    }
    exec(compile(BLOCKS["verify-by-id"][1], "docs/partners.md", "exec"), namespace)  # noqa: S102
    assert capsys.readouterr().out == "True\n"
