"""Every COSE artefact the platform issues decodes and verifies with independent libraries, none of
the project's code in the path (issue 18, item 4): Base45 with the `base45` package, COSE_Sign1
with `pycose`, claims with `cbor2`, keys from the JWKS with PyJWT's `PyJWKSet`; the claims found
are exactly those docs/partners.md ("Layout of each artefact") documents for the prefix, so an
integrator can write a verifier from the doc alone. The JWKS's auth key checks an access token with
PyJWT too."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import base45
import cbor2
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pycose.algorithms import Es256
from pycose.headers import KID, Algorithm
from pycose.keys import EC2Key
from pycose.messages import Sign1Message

from core.documents import credentials as cred
from tests.artefacts import PLUGINS, issued_artefacts

DOC = (Path(__file__).resolve().parent.parent / "docs" / "partners.md").read_text()
TOKEN = """mutation { partnerTokenCreate(clientId: "rental-demo", clientSecret: "partner-secret-1") {
  token errors { code } } }"""


def documented_claims() -> dict[str, set[int]]:
    """{prefix: claim keys} from the layout tables of docs/partners.md."""
    section = DOC.split("### Layout of each artefact", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[int]] = {}
    for prefixes, key in re.findall(r"^\| ((?:`[A-Z]{2}\d:` ?)+) \| (\d+) \|", section, re.M):
        for prefix in re.findall(r"`([A-Z]{2}\d:)`", prefixes):
            found.setdefault(prefix, set()).add(int(key))
    return found


def jose_keys(jwks_text: str) -> dict[str, tuple[str, EC2Key, object]]:
    """{kid: (purpose, pycose key, PyJWK)} from the JWKS, parsed by PyJWT's PyJWKSet."""
    keyset = jwt.PyJWKSet.from_json(jwks_text)
    purposes = {k["kid"]: k["purpose"] for k in json.loads(jwks_text)["keys"]}
    out = {}
    for jwk in keyset.keys:
        assert jwk.algorithm_name == "ES256" and jwk.key_type == "EC"
        pem = jwk.key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
        out[jwk.key_id] = (purposes[jwk.key_id], EC2Key.from_pem_public_key(pem), jwk)
    return out


def open_cose(text: str) -> Sign1Message:
    prefix, body = text[:4], text[4:]
    assert re.fullmatch(r"[A-Z]{2}\d:", prefix)
    return _sign1(base45.b45decode(body))


def _sign1(data: bytes) -> Sign1Message:
    """pycose's COSE_Sign1 of `data`. pycose 1.1's `decode` expects cbor2 5's mutable containers,
    and cbor2 6 (which the project needs) decodes what is inside a tag as a tuple and frozendicts:
    so the tag is checked here and its four parts handed to pycose's own `from_cose_obj` as a list
    with a dict (header parsing and the signature check stay pycose's)."""
    item = cbor2.loads(data)
    assert isinstance(item, cbor2.CBORTag) and item.tag == 18  # COSE_Sign1 (RFC 9052 §2)
    protected, unprotected, payload, signature = item.value
    return Sign1Message.from_cose_obj([protected, dict(unprotected), payload, signature], True)


@pytest.fixture
def world(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    env.artefacts = issued_artefacts(env)
    env.jwks = env.http.get("/.well-known/jwks.json").text
    return env


def test_every_artefact_verifies_with_pycose_and_has_the_documented_claims(world):
    keys = jose_keys(world.jwks)
    layout = documented_claims()
    for name, text in world.artefacts.items():
        message = open_cose(text)
        assert message.phdr[Algorithm] == Es256 and not message.uhdr, name
        kid = message.phdr[KID].decode()
        purpose, key, _ = keys[kid]
        assert purpose == ("audit" if text.startswith("TH1:") else "document"), name
        message.key = key
        assert message.verify_signature(), name
        claims = cbor2.loads(message.payload)
        assert set(claims) == layout[text[:4]], (name, sorted(claims), sorted(layout[text[:4]]))


def test_a_tampered_artefact_or_a_key_of_another_purpose_fails_with_pycose(world):
    keys = jose_keys(world.jwks)
    auth = next(key for purpose, key, _ in keys.values() if purpose == "auth")
    for name, text in world.artefacts.items():
        message = open_cose(text)
        message.key = auth
        assert not message.verify_signature(), name
        # one claim changed, the original signature kept (re-encoded with cbor2, not the codec)
        tag = cbor2.loads(base45.b45decode(text[4:]))
        protected, unprotected, payload, signature = tag.value
        claims = cbor2.loads(payload)
        first = min(claims)
        value = claims[first]
        claims[first] = value + 1 if isinstance(value, int) else value + value[:1] or "x"
        forged = cbor2.dumps(
            cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature])
        )
        tampered = _sign1(forged)
        tampered.key = keys[tampered.phdr[KID].decode()][1]
        assert not tampered.verify_signature(), name


def test_the_jwks_is_standard_and_its_auth_key_checks_an_access_token_with_pyjwt(world):
    keys = jose_keys(world.jwks)
    assert {purpose for purpose, _, _ in keys.values()} == {"auth", "document", "audit"}
    token = world.data(TOKEN)["partnerTokenCreate"]["token"]
    header = jwt.get_unverified_header(token)
    purpose, _, jwk = keys[header["kid"]]
    assert purpose == "auth" and header["alg"] == "ES256"
    at = {"options": {"verify_exp": False}}  # the test clock is 2024-09-02: checked below
    claims = jwt.decode(token, key=jwk, algorithms=["ES256"], audience="traffic-api", **at)
    assert claims["iss"] and claims["exp"] > world.clock.now().timestamp() >= claims["iat"]
    document_jwk = next(j for p, _, j in keys.values() if p == "document")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key=document_jwk, algorithms=["ES256"], audience="traffic-api", **at)


def test_status_lists_are_ietf_token_status_lists_read_independently(world):
    """Issue 18, item 3: the lists are draft-ietf-oauth-status-list CWTs (typ, sub, iat, ttl,
    status_list {bits, lst}), read here with cbor2 and zlib alone: a seized licence's entry says
    SUSPENDED (2), a revoked e-vehicle licence's INVALID (1), the index and list taken from the
    QR payloads' status reference; four lists, each its own URI."""
    from core.registries.licences import DrivingLicence

    now = world.clock.now()
    with world.session() as s:
        licence = s.get(DrivingLicence, world.refs["zhang_licence"].id)
        licence.status = "SEIZED"
        s.add(licence)
        cred.revoke_for_subject(s, now, "VL", world.refs["zhang_car"].id, "withdrawn")
        cred.rebuild_all(s, world.platform.keys, now, cred.platform_sources(world.platform))
        s.commit()
    keys = jose_keys(world.jwks)
    subjects = set()
    for list_id in range(cred.LIST_COUNT):
        text = world.http.get(f"/credentials/status-lists/{list_id}").text
        assert text.startswith("SL2:")
        message = open_cose(text)
        message.key = keys[message.phdr[KID].decode()][1]
        assert message.verify_signature()
        protected = cbor2.loads(cbor2.loads(base45.b45decode(text[4:])).value[0])
        assert protected[16] == "application/statuslist+cwt"
        claims = cbor2.loads(message.payload)
        assert set(claims) == {2, 6, 65533, 65534}
        assert claims[6] == int(now.timestamp()) and claims[65534] == 3600
        assert claims[2] == f"urn:traffic-admin:status-list:{list_id}"
        subjects.add(claims[2])
    assert len(subjects) == cred.LIST_COUNT

    def status_of(payload: str) -> int:
        list_id, idx = cbor2.loads(open_cose(payload).payload)[3]
        text = world.http.get(f"/credentials/status-lists/{list_id}").text
        status_list = cbor2.loads(open_cose(text).payload)[65533]
        assert status_list["bits"] == 2
        lst = zlib.decompress(status_list["lst"])
        assert len(lst) * 8 // 2 == 1 << 20  # 1,048,576 entries: herd privacy
        return lst[idx * 2 // 8] >> (idx * 2 % 8) & 0b11

    assert status_of(world.artefacts["DL1"]) == 2
    assert status_of(world.artefacts["VL1"]) == 1
    assert status_of(world.artefacts["DC1"]) == 0


def _entrustment(make_env) -> tuple[object, str]:
    from plugins.online_entrustment.tests import helpers as en

    env = make_env(en.PLUGINS, now="2021-07-01")
    return env, en.created(env)["qr"]


def _truck_pass(make_env) -> tuple[object, str]:
    from plugins.truck_pass.tests import helpers as tp

    env = make_env(tp.PLUGINS, now="2024-09-02")
    application = tp.apply(env, tp.ready_city(env))["application"]
    approved = env.data(tp.APPROVE, {"id": application["id"]}, as_="clerk")
    return env, approved["truckPassApplicationApprove"]["code"]["qr"]


def _evidence_voucher(make_env) -> tuple[object, str]:
    from plugins.accident_evidence.tests import helpers as ae

    env = make_env(ae.PLUGINS, now="2021-07-01")
    zhang = env.refs["zhang"]
    case = ae.ready_case(env)
    out = ae.register_requester(env, case["number"], ae.party_id(case, zhang), zhang)
    return env, out["voucher"]["qr"]


@pytest.mark.parametrize("issued", [_entrustment, _truck_pass, _evidence_voucher])
def test_the_other_signed_qr_texts_verify_with_pycose_too(make_env, issued):
    """EN1 (electronic entrustment), TP1 (truck pass), AE1 (evidence voucher): scanned by clerks
    and officers rather than partners, in the same envelope, with the documented claims."""
    env, text = issued(make_env)
    keys = jose_keys(env.http.get("/.well-known/jwks.json").text)
    message = open_cose(text)
    purpose, key, _ = keys[message.phdr[KID].decode()]
    message.key = key
    assert purpose == "document" and message.verify_signature()
    claims = cbor2.loads(message.payload)
    assert set(claims) == documented_claims()[text[:4]]
    assert all(isinstance(v, str) for v in claims.values())
