"""The standalone partner verifier (verifier/) against payloads, trust lists and status lists
served by the platform: tampered, expired, unknown-key, revoked, suspended, stale list, rotation."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from core.documents import credentials as cred
from core.registries.licences import DrivingLicence
from verifier import TrustStore, Verifier

from .helpers import issue, issued_payload, show

ROOT = Path(__file__).resolve().parents[3]


def _handheld(env):
    store = TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())
    v = Verifier(store)
    for list_id in range(cred.LIST_COUNT):
        response = env.http.get(f"/credentials/status-lists/{list_id}")
        assert response.status_code == 200 and "max-age" in response.headers["cache-control"]
        v.add_status_list(response.text)
    return v


def _issued_with_files(env, tmp_path: Path) -> str:
    """Issue Zhang's e-licence; write the platform's keys (jwks.json) and status lists
    (lists.txt, one a line) into `tmp_path` as a partner would keep them; the QR payload text."""
    text = issued_payload(env)
    (tmp_path / "jwks.json").write_text(env.http.get("/.well-known/jwks.json").text)
    lists = [env.http.get(f"/credentials/status-lists/{i}").text for i in range(cred.LIST_COUNT)]
    (tmp_path / "lists.txt").write_text("\n".join(lists))
    return text


def test_offline_accepts_a_fresh_payload_and_says_what_it_established(edl):
    env = edl()
    text = issued_payload(env)
    v = _handheld(env)
    now = env.clock.now().timestamp()
    answer = v.verify(text, now=now + 10)
    assert answer.verdict == "ACCEPT", answer
    est = answer.established
    assert est["signature"] is True and est["kid"] and est["status"] == "VALID"
    assert est["payloadAgeSeconds"] == 10 and est["statusListAgeSeconds"] == 10
    assert answer.claims["classes"] == "C1"


def test_offline_rejects_tampered_expired_unknown_key(edl):
    env = edl()
    text = issued_payload(env)
    v = _handheld(env)
    now = env.clock.now().timestamp()
    tampered = text[:-6] + ("0" if text[-6] != "0" else "1") + text[-5:]
    assert v.verify(tampered, now=now).verdict == "REJECT"
    assert v.verify("DL1:???", now=now).reasons == ["MALFORMED"]
    assert v.verify("XX1:ABC", now=now).reasons == ["MALFORMED"]
    late = v.verify(text, now=now + 180 + 31)
    assert late.verdict == "REJECT" and "PAYLOAD_EXPIRED" in late.reasons
    assert v.verify(text, now=now + 180 + 30).verdict == "ACCEPT"
    empty = Verifier(TrustStore())
    assert empty.verify(text, now=now).reasons == ["UNKNOWN_KEY"]


def test_offline_revoked_and_suspended_via_status_list(edl):
    env = edl()
    text = issued_payload(env)
    with env.session() as s:
        lic = s.get(DrivingLicence, env.refs["zhang_licence"].id)
        lic.status = "SEIZED"
        s.add(lic)
        cred.rebuild_all(s, env.platform.keys, env.clock.now(), cred.platform_sources(env.platform))
        s.commit()
    v = _handheld(env)
    answer = v.verify(text, now=env.clock.now().timestamp())
    assert answer.verdict == "REJECT" and answer.status == "SUSPENDED"
    with env.session() as s:
        cred.revoke_for_subject(s, env.clock.now(), "DL", env.refs["zhang_licence"].id, "withdrawn")
        cred.rebuild_all(s, env.platform.keys, env.clock.now(), cred.platform_sources(env.platform))
        s.commit()
    v = _handheld(env)
    answer = v.verify(text, now=env.clock.now().timestamp())
    assert answer.status == "INVALID" and "STATUS_INVALID" in answer.reasons


def test_no_or_stale_status_list_is_inconclusive(edl):
    env = edl()
    text = issued_payload(env)
    v = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json()))
    now = env.clock.now().timestamp()
    answer = v.verify(text, now=now)
    assert (
        answer.verdict == "INCONCLUSIVE"
        and answer.reasons == ["NO_STATUS_LIST"]
        and answer.signature_valid
    )
    v = _handheld(env)
    payload = show(env)  # sign a payload 2 hours later, check against the old list
    env.clock.set(env.clock.now() + dt.timedelta(hours=2))
    fresh = show(env)["payloads"][0]["text"]
    answer = v.verify(fresh, now=env.clock.now().timestamp())
    assert answer.verdict == "INCONCLUSIVE" and "STATUS_LIST_STALE" in answer.reasons
    assert payload


def test_trust_list_update_and_rotation(edl):
    env = edl()
    issue(env)
    store = TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())
    old_text = show(env)["payloads"][0]["text"]
    env.platform.keys.rotate("document", env.clock.now())
    store.update_from_trust_list(
        env.http.get("/credentials/trust-list").text
    )  # signed by the former NEXT key
    v = Verifier(store)
    for list_id in range(cred.LIST_COUNT):
        v.add_status_list(
            env.data("query($i: Int!) { eDrivingLicenceStatusList(listId: $i) }", {"i": list_id})[
                "eDrivingLicenceStatusList"
            ]
        )
    now = env.clock.now().timestamp()
    assert v.verify(old_text, now=now).verdict == "ACCEPT"  # retiring key still verifies
    assert v.verify(show(env)["payloads"][0]["text"], now=now).verdict == "ACCEPT"
    old = [
        k
        for k, s in ((k["kid"], k["status"]) for k in env.platform.keys.jwks()["keys"])
        if s == "retiring"
    ][0]
    env.platform.keys.retire(old, env.clock.now())
    store.update_from_trust_list(env.http.get("/credentials/trust-list").text)
    assert Verifier(store).verify(old_text, now=now).reasons == ["UNKNOWN_KEY"]
    # a trust list signed by an unknown key is refused
    import pytest

    from verifier import VerifierError

    with pytest.raises(VerifierError):
        TrustStore().update_from_trust_list(env.http.get("/credentials/trust-list").text)


def test_verifier_runs_without_the_core_package(edl, tmp_path):
    env = edl()
    text = _issued_with_files(env, tmp_path)
    script = (
        "import sys, json; sys.modules['core'] = None\n"
        "from verifier import TrustStore, Verifier\n"
        "v = Verifier(TrustStore.from_jwks(open('jwks.json').read()))\n"
        "[v.add_status_list(t) for t in open('lists.txt').read().split(chr(10))]\n"
        f"a = v.verify({text!r}, now={env.clock.now().timestamp()})\n"
        "print(a.verdict)\n"
    )
    env_vars = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); exec({script!r})",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env_vars,
        timeout=60,
    )
    assert out.stdout.strip() == "ACCEPT", out.stderr


def test_verifier_command_line(edl, tmp_path):
    import json

    env = edl()
    text = _issued_with_files(env, tmp_path)
    now = str(env.clock.now().timestamp())
    base = [sys.executable, "-m", "verifier", "--jwks", str(tmp_path / "jwks.json"), "--now", now]
    run = subprocess.run([*base, "--status-lists", str(tmp_path / "lists.txt"), text], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["established"]["status"] == "VALID"
    run = subprocess.run([*base, text], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and json.loads(run.stdout)["verdict"] == "INCONCLUSIVE"
    run = subprocess.run(
        [*base, "DL1:GARBAGE"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1
