"""The standalone verifier (verifier/) verifies every signed artefact the platform hands to partners,
each obtained through its real issuing path (issue 17, item 4): the QR payloads DL1/VL1/DC1, the
receipts VR2 of both measures (and VR1 as issued before), the status lists, the trust list and the
audit log's signed tree heads, through the library and through `python -m verifier`; every reason
it can answer is documented in docs/partners.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from core.documents import credentials as cred
from core.documents.qr import sign_payload
from tests.artefacts import PLUGINS, issued_artefacts
from verifier import TrustStore, Verifier, codec
from verifier import status_list as token
from verifier import verify as verify_module

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    env.artefacts = issued_artefacts(env)
    env.jwks = env.http.get("/.well-known/jwks.json").text
    return env


def _handheld(env) -> Verifier:
    v = Verifier(TrustStore.from_jwks(env.jwks))
    for list_id in range(cred.LIST_COUNT):
        v.add_status_list(env.http.get(f"/credentials/status-lists/{list_id}").text)
    return v


EXPECTED_KIND = {"DL1": "DL", "VL1": "VL", "DC1": "DC", "VR2 (licence)": "VR",
                 "VR2 (vehicle)": "VR", "VR1": "VR", "status list": "SL", "trust list": "TL",
                 "tree head": "TH"}  # fmt: skip


def test_every_artefact_verifies_offline_and_says_what_it_is(world):
    v = _handheld(world)
    now = world.clock.now().timestamp()
    assert set(world.artefacts) == set(EXPECTED_KIND)
    for name, text in world.artefacts.items():
        answer = v.verify(text, now=now + 5)
        assert answer.verdict == "ACCEPT", (name, answer.reasons)
        assert answer.kind == EXPECTED_KIND[name] and answer.signature_valid, name
    claims = {name: v.verify(text, now=now).claims for name, text in world.artefacts.items()}
    assert (
        claims["DL1"]["classes"] == "C1"
        and v.verify(world.artefacts["DL1"], now=now).status == "VALID"
    )
    assert claims["VR2 (licence)"]["result"] == "ACCEPTED" and claims["VR2 (licence)"]["auditLog"]
    assert claims["VR2 (vehicle)"]["purpose"] == "承保"
    assert claims["status list"]["listId"] == 0 and claims["status list"]["ttl"] == 3600
    assert {k["kid"] for k in claims["trust list"]["keys"]} == set(v.store.keys)
    assert claims["tree head"]["treeSize"] >= 1 and len(claims["tree head"]["rootHash"]) == 64


def test_every_artefact_tampered_or_under_an_unknown_key_is_rejected(world):
    v = _handheld(world)
    stranger = Verifier(TrustStore())
    now = world.clock.now().timestamp()
    for name, text in world.artefacts.items():
        i = len(text) - 6  # inside the signature: still Base45, no longer a valid signature
        tampered = text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1 :]
        answer = v.verify(tampered, now=now)
        assert answer.verdict == "REJECT", name
        assert answer.reasons in (["BAD_SIGNATURE"], ["MALFORMED"]), (name, answer.reasons)
        assert v.verify(text.lower(), now=now).reasons == ["MALFORMED"], name
        assert v.verify(text + "\n", now=now).reasons == ["MALFORMED"], name
        assert stranger.verify(text, now=now).reasons == ["UNKNOWN_KEY"], name


def test_a_tree_head_needs_an_audit_key_and_a_document_needs_a_document_key(world):
    jwks = json.loads(world.jwks)
    documents_only = {"keys": [k for k in jwks["keys"] if k["purpose"] == "document"]}
    audit_only = {"keys": [k for k in jwks["keys"] if k["purpose"] == "audit"]}
    now = world.clock.now().timestamp()
    head, dl1 = world.artefacts["tree head"], world.artefacts["DL1"]
    assert Verifier(TrustStore.from_jwks(documents_only)).verify(head, now=now).reasons == [
        "UNKNOWN_KEY"
    ]
    assert Verifier(TrustStore.from_jwks(audit_only)).verify(dl1, now=now).reasons == [
        "UNKNOWN_KEY"
    ]
    assert Verifier(TrustStore.from_jwks(audit_only)).verify(head, now=now).verdict == "ACCEPT"


def test_a_status_list_past_its_ttl_is_inconclusive_and_one_from_the_future_rejected(world):
    v = Verifier(TrustStore.from_jwks(world.jwks))
    text = world.artefacts["status list"]
    now = world.clock.now().timestamp()
    assert v.verify(text, now=now + 3600).verdict == "ACCEPT"
    stale = v.verify(text, now=now + 3601)
    assert stale.verdict == "INCONCLUSIVE" and stale.reasons == ["STATUS_LIST_STALE"]
    early = v.verify(text, now=now - 31)
    assert early.verdict == "REJECT" and early.reasons == ["PAYLOAD_NOT_YET_VALID"]


def test_the_command_line_verifies_every_artefact(world, tmp_path):
    """`python -m verifier --jwks jwks.json 'VR2:...'` and the rest: ACCEPT, exit 0 (the receipt
    answered REJECT MALFORMED in issue 17); a tampered receipt exits 1."""
    (tmp_path / "jwks.json").write_text(world.jwks)
    base = [sys.executable, "-m", "verifier", "--jwks", str(tmp_path / "jwks.json"),
            "--now", str(world.clock.now().timestamp() + 5)]  # fmt: skip
    lists = [world.http.get(f"/credentials/status-lists/{i}").text for i in range(cred.LIST_COUNT)]
    (tmp_path / "lists.txt").write_text("\n".join(lists) + "\n")
    for name, text in world.artefacts.items():
        extra = (
            ["--status-lists", str(tmp_path / "lists.txt")] if name in ("DL1", "VL1", "DC1") else []
        )
        run = subprocess.run([*base, *extra, text], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)  # fmt: skip
        assert run.returncode == 0, (name, run.stdout, run.stderr)
        out = json.loads(run.stdout)
        assert out["verdict"] == "ACCEPT" and out["kind"] == EXPECTED_KIND[name], name
    receipt = world.artefacts["VR2 (licence)"]
    run = subprocess.run([*base, receipt[:-3] + ("AAA" if receipt[-3:] != "AAA" else "BBB")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 1 and json.loads(run.stdout)["verdict"] == "REJECT"


def test_every_reason_the_verifier_answers_is_documented():
    """Each reason in REASONS has a line in docs/partners.md's table, and the verifier's code
    answers no reason outside REASONS."""
    doc = (ROOT / "docs" / "partners.md").read_text()
    section = doc.split("### What the verifier answers", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", section, re.M))
    assert documented == set(verify_module.REASONS)
    source = "".join((ROOT / "verifier" / f).read_text() for f in ("verify.py", "answer.py"))
    answered = set(re.findall(r'reasons\.append\("([A-Z_]+)"\)', source))
    answered |= {
        f"STATUS_{name}" for name in verify_module.STATUS_NAMES.values() if name != "VALID"
    }
    answered |= set(re.findall(r'reasons=\["([A-Z_]+)"\]', source))
    assert answered <= set(verify_module.REASONS), answered - set(verify_module.REASONS)
    assert set(verify_module.REASONS) <= answered


def test_status_list_tokens_of_one_or_two_bits_and_the_former_format_are_read(world):
    """Issue 18, item 3: the verifier reads any Token Status List of the platform's URIs (1 or 2
    bits per entry, the draft's bit order) and still the former SL1 lists."""
    key = world.platform.keys.active("document")
    now = int(world.clock.now().timestamp())
    one_bit = bytes([0b0000_0100, 0])  # 16 entries, entry 2 invalid
    text = codec.issue(
        "SL2:",
        key.kid,
        {2: "urn:traffic-admin:status-list:7", 6: now, 65534: 600,
         65533: {"bits": 1, "lst": zlib.compress(one_bit)}},
        key.sign,
        typ=token.STATUS_LIST_TYP,
    )  # fmt: skip
    v = Verifier(TrustStore.from_jwks(world.jwks))
    assert v.add_status_list(text) == 7
    assert v.lists[7].capacity == 16 and v.lists[7].status(2) == 1 and v.lists[7].status(1) == 0
    answer = v.verify(text, now=now)
    assert answer.verdict == "ACCEPT" and answer.claims["bits"] == 1
    assert answer.claims["notValid"] == {"INVALID": 1} and answer.claims["size"] == 16
    legacy = sign_payload(
        "SL1:", {1: 5, 2: 2, 3: 16, 4: zlib.compress(bytes(4)), 5: now, 6: 600}, key
    )
    assert v.add_status_list(legacy) == 5 and v.verify(legacy, now=now).verdict == "ACCEPT"
    foreign = codec.issue(
        "SL2:",
        key.kid,
        {2: "https://elsewhere.example/lists/1", 6: now, 65534: 600,
         65533: {"bits": 1, "lst": zlib.compress(one_bit)}},
        key.sign,
        typ=token.STATUS_LIST_TYP,
    )  # fmt: skip
    assert v.verify(foreign, now=now).reasons == ["MALFORMED"]
    served = world.artefacts["status list"]
    assert served.startswith("SL2:") and v.verify(served, now=now).claims["bits"] == 2


def test_the_command_line_refuses_an_unreadable_jwks_and_a_time_that_is_not_one(tmp_path, capsys):
    """A JWKS file that is not UTF-8 cannot be read (exit 3, not 1, which means REJECT); `--now
    nan` or `inf` is a usage error (64), not a traceback."""
    from verifier.__main__ import EXIT_USAGE, main

    binary = tmp_path / "jwks.json"
    binary.write_bytes(b"\xa4\xff\x00 not text")
    assert main(["--jwks", str(binary), "TH1:x"]) == 3
    assert "error" in json.loads(capsys.readouterr().out)
    (tmp_path / "empty.json").write_text('{"keys": []}')
    for now in ("nan", "inf", "-1"):
        with pytest.raises(SystemExit) as exit_:
            main(["--jwks", str(tmp_path / "empty.json"), "--now", now, "TH1:x"])
        assert exit_.value.code == EXIT_USAGE
        assert "is not a time in epoch seconds" in capsys.readouterr().err
