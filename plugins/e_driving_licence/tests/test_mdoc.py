"""The e-driving licence as an ISO/IEC 18013-5 mdoc (issue 18, item 2), verified by an independent
implementation (pymdoccbor, with the published IACA root as its only trust anchor): the whole
document, a presentation of the driving privileges alone (selective disclosure), a tampered
element, an untrusted root; the MSO's device key, validity and status reference (the same
status-list entry as the DL1 QR's); the refusals."""

from __future__ import annotations

import base64
import datetime as dt
import json

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pymdoccbor.mdoc.verifier import MdocCbor

from core.clock import CHINA_TZ
from core.registries.licences import DrivingLicence
from core.testing_db import update_row

from .helpers import TRAIL, issue, show

ISSUE = """mutation($k: String!) { eDrivingLicenceMdocIssue(input: {deviceKey: $k}) {
  errors { code field rule } mdoc { docType document elements validFrom validUntil } } }"""
ROOT = "{ eDrivingLicenceMdocIacaRoot }"
NS = "org.iso.18013.5.1"


def _b64u(n: int) -> str:
    return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()


def device_jwk() -> tuple[ec.EllipticCurvePrivateKey, dict]:
    """What the holder's app does: a P-256 key pair in the phone, the public half as a JWK."""
    private = ec.generate_private_key(ec.SECP256R1())
    numbers = private.public_key().public_numbers()
    return private, {"kty": "EC", "crv": "P-256", "x": _b64u(numbers.x), "y": _b64u(numbers.y)}


def presentation(document: dict, only: set[str] | None = None) -> bytes:
    """A DeviceResponse (ISO/IEC 18013-5 §8.3.2.1.2.2) with the elements named in `only`."""
    issuer_signed = document["issuerSigned"]
    namespaces = {
        ns: [i for i in items if only is None or cbor2.loads(i.value)["elementIdentifier"] in only]
        for ns, items in issuer_signed["nameSpaces"].items()
    }
    doc = {
        "docType": document["docType"],
        "issuerSigned": {"nameSpaces": namespaces, "issuerAuth": issuer_signed["issuerAuth"]},
        "deviceSigned": {},
    }
    return cbor2.dumps({"version": "1.0", "documents": [doc], "status": 0})


def reader(data: bytes, roots: list[x509.Certificate]) -> tuple[bool, dict]:
    """pymdoccbor's verifier: the DS certificate under one of `roots`, the MSO signature, and
    each disclosed element against its digest."""
    mdoc = MdocCbor()
    mdoc.loads(data)
    return mdoc.verify(trusted_root_certs=roots), mdoc.disclosure_map


def _mdoc_env(make_env):
    # the wall clock: pymdoccbor checks the document signer's certificate against it
    env = make_env(["e_driving_licence"], now=dt.datetime.now(CHINA_TZ))
    issue(env)
    return env


def _issue(env, jwk, who="zhang_account"):
    return env.data(ISSUE, {"k": json.dumps(jwk)}, as_=who)["eDrivingLicenceMdocIssue"]


def test_an_mdoc_verifies_with_pymdoccbor_under_the_published_root(make_env):
    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()
    out = _issue(env, jwk)
    assert out["errors"] == [], out
    mdoc = out["mdoc"]
    assert mdoc["docType"] == "org.iso.18013.5.1.mDL"
    document = cbor2.loads(base64.urlsafe_b64decode(mdoc["document"] + "=="))
    root = x509.load_pem_x509_certificate(env.data(ROOT)["eDrivingLicenceMdocIacaRoot"].encode())
    ok, disclosed = reader(presentation(document), [root])
    assert ok
    elements = disclosed[NS]
    assert set(elements) == set(mdoc["elements"])
    assert elements["family_name"] == "张" and elements["issuing_country"] == "CN"
    licence = env.refs["zhang_licence"]
    assert elements["document_number"] == licence.file_number
    assert elements["expiry_date"] == licence.valid_until  # full-date, tag 1004
    privileges = elements["driving_privileges"]
    assert [p["vehicle_category_code"] for p in privileges] == ["B"]  # C1 -> B
    assert privileges[0]["codes"] == [{"code": "CN-C1"}]
    assert "portrait" not in elements and env.refs["zhang"].id_number not in json.dumps(
        elements, default=str
    )
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    assert any(n["action"] == "e_driving_licence.mdoc" and n["outcome"] == "OK" for n in trail)


def test_selective_disclosure_tampering_and_an_untrusted_root(make_env):
    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()
    document = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    root = x509.load_pem_x509_certificate(env.data(ROOT)["eDrivingLicenceMdocIacaRoot"].encode())
    ok, disclosed = reader(presentation(document, only={"driving_privileges"}), [root])
    assert ok and set(disclosed[NS]) == {"driving_privileges"}
    # an element changed after signing (C1's category B claimed as C, a truck): its digest fails
    items = document["issuerSigned"]["nameSpaces"][NS]
    for n, tagged in enumerate(items):
        item = cbor2.loads(tagged.value)
        if item["elementIdentifier"] == "driving_privileges":
            item["elementValue"][0]["vehicle_category_code"] = "C"
            items[n] = cbor2.CBORTag(24, cbor2.dumps(item))
    ok, _ = reader(presentation(document, only={"driving_privileges"}), [root])
    assert not ok
    # a root the reader does not trust
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Someone else")])
    now = dt.datetime.now(dt.UTC)
    other = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1).not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    fresh = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    assert reader(presentation(fresh), [root])[0]
    assert not reader(presentation(fresh), [other])[0]


def test_the_mso_binds_the_device_key_for_three_days_with_the_e_licence_status_entry(make_env):
    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()
    document = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    payload = document["issuerSigned"]["issuerAuth"][2]
    mso = cbor2.loads(cbor2.loads(payload).value)
    device = mso["deviceKeyInfo"]["deviceKey"]
    assert device[1] == 2 and device[-1] == 1
    assert _b64u(int.from_bytes(device[-2], "big")) == jwk["x"]
    assert _b64u(int.from_bytes(device[-3], "big")) == jwk["y"]
    validity = mso["validityInfo"]
    start, end = validity["validFrom"], validity["validUntil"]  # tdate (tag 0): datetimes
    assert end - start == dt.timedelta(days=3) and validity["signed"] == start
    # the same status-list entry as the DL1 QR's claim 3 [list id, index]
    qr = show(env)["payloads"][0]["text"]
    from verifier import codec

    list_id, index = codec.parse(qr, "DL1:").claims[3]
    assert mso["status"] == {
        "status_list": {"idx": index, "uri": f"urn:traffic-admin:status-list:{list_id}"}
    }


def test_refusals(make_env):
    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()
    bad = _issue(env, {**jwk, "crv": "P-384"})
    assert bad["errors"][0]["code"] == "INVALID_INPUT" and bad["errors"][0]["field"] == "deviceKey"
    bad = _issue(env, {**jwk, "x": jwk["y"]})  # not a point on the curve
    assert bad["errors"][0]["code"] == "INVALID_INPUT" and bad["mdoc"] is None
    assert _issue(env, jwk, who="li_account")["errors"][0]["code"] == "EDL_NOT_ISSUED"
    refused = env.gql(ISSUE, {"k": json.dumps(jwk)}, as_="clerk")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    update_row(env, DrivingLicence, env.refs["zhang_licence"].id, status="SEIZED")
    seized = _issue(env, jwk)["errors"][0]
    assert seized["code"] == "EDL_LICENCE_NOT_ISSUABLE" and seized["rule"]
    env.set_rollout("e_driving_licence", "320100", enabled=False)
    update_row(env, DrivingLicence, env.refs["zhang_licence"].id, status="NORMAL")
    assert _issue(env, jwk)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"


def test_the_partner_doc_example_verifies_a_presentation(make_env, capsys):
    """docs/partners.md's `verify-mdoc` block, run as written against a real presentation."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "partners.md").read_text()
    block = re.search(r"```python\n# mdoc-example: verify-mdoc\n(.*?)```", doc, re.S).group(1)
    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()
    document = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    namespace = {
        "iaca_root_pem": env.data(ROOT)["eDrivingLicenceMdocIacaRoot"],
        "device_response": presentation(document, only={"driving_privileges"}),
    }
    exec(compile(block, "docs/partners.md", "exec"), namespace)  # noqa: S102
    assert capsys.readouterr().out.strip() == "VALID ['B']"


def test_the_document_signer_rotates_before_its_certificate_ends(make_env):
    """A DS certificate lasts 457 days (ISO/IEC 18013-5 B.1.4): an mdoc whose validity would end
    after it is signed by the next DS key, with a fresh certificate under the same root."""
    from pycose.keys import EC2Key
    from pycose.messages import Sign1Message

    env = _mdoc_env(make_env)
    _private, jwk = device_jwk()

    def signer_of(document):
        protected, unprotected, payload, signature = document["issuerSigned"]["issuerAuth"]
        return x509.load_der_x509_certificate(unprotected[33]), (
            protected,
            unprotected,
            payload,
            signature,
        )

    first = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    cert, _ = signer_of(first)
    root = x509.load_pem_x509_certificate(env.data(ROOT)["eDrivingLicenceMdocIacaRoot"].encode())
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=457)
    env.clock.set(env.clock.now() + dt.timedelta(days=455))  # + 3 days of validity: past 457
    later = cbor2.loads(base64.urlsafe_b64decode(_issue(env, jwk)["mdoc"]["document"] + "=="))
    new_cert, (protected, unprotected, payload, signature) = signer_of(later)
    assert new_cert.serial_number != cert.serial_number
    assert new_cert.issuer == root.subject
    root.public_key().verify(
        new_cert.signature, new_cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256())
    )
    mso = cbor2.loads(cbor2.loads(payload).value)
    assert new_cert.not_valid_after_utc >= mso["validityInfo"]["validUntil"]
    message = Sign1Message.from_cose_obj([protected, dict(unprotected), payload, signature], True)
    numbers = new_cert.public_key().public_numbers()
    message.key = EC2Key(
        crv="P_256", x=numbers.x.to_bytes(32, "big"), y=numbers.y.to_bytes(32, "big")
    )
    assert message.verify_signature()
