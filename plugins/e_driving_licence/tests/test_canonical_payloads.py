"""Signed texts have exactly one valid encoding (issue 12, item 5): any other encoding of a DL1
payload, a verification receipt, a status list or a trust list is MALFORMED, online
(`eDrivingLicenceVerify`) and in the standalone verifier (`python -m verifier`) alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import base45
import pytest

from core.documents import credentials as cred
from tests.signed_variants import all_variants, signature_holds
from verifier import TrustStore, Verifier, VerifierError

from .helpers import issue, issued_payload, verify

ROOT = Path(__file__).resolve().parents[3]


def _verification(env, text, who):
    body = verify(env, text, who, purpose="car rental")
    assert not body.get("errors"), body
    out = body["data"]["eDrivingLicenceVerify"]
    assert out["errors"] == [], out
    return out["verification"]


def _cli(tmp_path, env, text, lists=True):
    (tmp_path / "jwks.json").write_text(env.http.get("/.well-known/jwks.json").text)
    args = [sys.executable, "-m", "verifier", "--jwks", str(tmp_path / "jwks.json")]
    if lists:
        texts = [
            env.http.get(f"/credentials/status-lists/{i}").text for i in range(cred.LIST_COUNT)
        ]
        (tmp_path / "lists.txt").write_text("\n".join(texts))
        args += ["--status-lists", str(tmp_path / "lists.txt")]
    args += ["--now", str(env.clock.now().timestamp()), text]
    run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return run.returncode, json.loads(run.stdout)


def _handheld(env):
    v = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json()))
    for list_id in range(cred.LIST_COUNT):
        v.add_status_list(env.http.get(f"/credentials/status-lists/{list_id}").text)
    return v


def test_the_issue_example_bytes_after_the_message_is_malformed(edl, tmp_path):
    env = edl()
    text = issued_payload(env)
    message = base45.b45decode(text[len("DL1:") :])
    appended = "DL1:" + base45.b45encode(message + b"\x00\x01\x02").decode()
    for who in (env.refs["rental"], "road_officer"):
        v = _verification(env, appended, who)
        assert v["reasons"] == ["MALFORMED"] and not v["accepted"] and not v["signatureValid"]
        assert v["receipt"].startswith("VR2:")  # the refusal is receipted like any other
    assert _verification(env, text, "road_officer")["accepted"]
    code, answer = _cli(tmp_path, env, appended)
    assert code == 1 and answer["verdict"] == "REJECT" and answer["reasons"] == ["MALFORMED"]
    assert answer["established"]["signature"] is False
    code, answer = _cli(tmp_path, env, text)
    assert code == 0 and answer["verdict"] == "ACCEPT"


def test_every_other_encoding_of_a_payload_is_malformed_online_and_offline(edl):
    env = edl()
    text = issued_payload(env)
    signer = env.platform.keys.active("document")
    handheld = _handheld(env)
    now = env.clock.now().timestamp()
    variants = all_variants(text, "DL1:", signer)
    for name, variant in variants.items():
        assert signature_holds(variant, "DL1:", signer) or name == "leading space", name
        online = _verification(env, variant, "road_officer")
        assert online["reasons"] == ["MALFORMED"] and not online["accepted"], name
        offline = handheld.verify(variant, now=now)
        assert offline.verdict == "REJECT" and offline.reasons == ["MALFORMED"], name
    assert _verification(env, text, "road_officer")["accepted"]
    assert handheld.verify(text, now=now).verdict == "ACCEPT"


def test_the_verifier_verifies_a_receipt_and_refuses_its_other_encodings(edl, tmp_path):
    """The receipt of an online verification (VR2:) is checked offline like any payload."""
    env = edl()
    text = issued_payload(env)
    receipt = _verification(env, text, env.refs["insurer"])["receipt"]
    code, answer = _cli(tmp_path, env, receipt, lists=False)
    assert code == 0 and answer["verdict"] == "ACCEPT" and answer["kind"] == "VR"
    assert answer["claims"]["result"] == "ACCEPTED" and answer["claims"]["purpose"] == "car rental"
    assert answer["claims"]["disclosed"]["status"] == "VALID"
    assert answer["established"]["signature"] is True
    refused = _verification(env, text[:-4] + "0000", env.refs["insurer"])["receipt"]
    code, answer = _cli(tmp_path, env, refused, lists=False)
    assert code == 0 and answer["claims"]["result"].startswith("REJECTED:")
    tampered = receipt[:-6] + ("0" if receipt[-6] != "0" else "1") + receipt[-5:]
    code, answer = _cli(tmp_path, env, tampered, lists=False)
    assert code == 1 and answer["verdict"] == "REJECT"
    handheld = _handheld(env)
    signer = env.platform.keys.active("document")
    for name, variant in all_variants(receipt, "VR2:", signer).items():
        assert handheld.verify(variant).reasons == ["MALFORMED"], name


@pytest.mark.parametrize("route", ["/credentials/status-lists/0", "/credentials/trust-list"])
def test_status_and_trust_lists_have_one_encoding(edl, route):
    env = edl()
    issue(env)
    text = env.http.get(route).text
    prefix = text[:4]
    signer = env.platform.keys.active("document")
    jwks = env.http.get("/.well-known/jwks.json").json()

    def load(candidate):
        store = TrustStore.from_jwks(jwks)
        if prefix == "TL1:":
            store.update_from_trust_list(candidate)
        else:
            Verifier(store).add_status_list(candidate)

    load(text)
    for name, variant in all_variants(text, prefix, signer).items():
        with pytest.raises(VerifierError, match="malformed"):
            load(variant)
            pytest.fail(f"{prefix} {name} was accepted")
