"""ISO/IEC 18013-5 mdoc issuance (§8.3.2.1.2, §9.1.2): issuer-signed data elements and the Mobile
Security Object (MSO), signed by the document signer (core/documents/certificates.py).

`issue(...)` returns a Document `{"docType", "issuerSigned": {"nameSpaces", "issuerAuth"}}`:
- each data element is an IssuerSignedItem `{"digestID", "random" (16 bytes), "elementIdentifier",
  "elementValue"}`, carried as `#6.24(bstr .cbor IssuerSignedItem)`; the MSO holds the SHA-256 of
  each of those tagged items, so the holder can disclose any subset (selective disclosure) and a
  reader checks each disclosed element against its digest;
- the MSO `{"version": "1.0", "digestAlgorithm": "SHA-256", "valueDigests", "deviceKeyInfo":
  {"deviceKey": COSE_Key}, "docType", "validityInfo": {"signed", "validFrom", "validUntil"},
  "status"}` binds the document to the device key the holder's app generated (the app proves
  possession when it presents) and carries the status reference of draft-ietf-oauth-status-list
  (`{"status_list": {"idx", "uri"}}`, "Referenced Token in other COSE/CBOR format");
- issuerAuth is an untagged COSE_Sign1 `[protected {1: -7 (ES256)}, {33: DS certificate (DER)},
  #6.24(bstr .cbor MSO), signature r || s]`.

digestIDs are random (they reveal neither the order nor the number of elements).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from core.documents.keys import LoadedKey

DOCTYPE_MDL = "org.iso.18013.5.1.mDL"
NAMESPACE_MDL = "org.iso.18013.5.1"
HEADER_ALG, HEADER_X5CHAIN = 1, 33  # RFC 9052 §3.1, RFC 9360 §2
ES256 = -7
COSE_KTY_EC2, COSE_CRV_P256 = 2, 1  # RFC 9053 §7.1


def tdate(moment: dt.datetime) -> cbor2.CBORTag:
    """A `tdate` (tag 0, RFC 3339 in UTC without fraction), as the MSO's validityInfo wants."""
    return cbor2.CBORTag(0, moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def full_date(day: dt.date) -> cbor2.CBORTag:
    """A `full-date` (tag 1004, RFC 8943), as the mDL's date elements want."""
    return cbor2.CBORTag(1004, day.isoformat())


def device_key_from_jwk(jwk: Mapping[str, Any]) -> dict[int, Any]:
    """The COSE_Key (RFC 9053 §7.1.1) of a P-256 public JWK `{"kty": "EC", "crv": "P-256", "x",
    "y"}`; ValueError unless it is a point on the curve (no private part accepted)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(jwk, Mapping) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("an EC P-256 public key (JWK) is required")
    if "d" in jwk:
        raise ValueError("send the public key only")
    try:
        x, y = (base64.urlsafe_b64decode(jwk[c] + "=" * (-len(jwk[c]) % 4)) for c in ("x", "y"))
        if len(x) != 32 or len(y) != 32:
            raise ValueError("coordinates are 32 bytes")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        )
        numbers.public_key()  # raises ValueError off the curve
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a P-256 public key") from exc
    return {1: COSE_KTY_EC2, -1: COSE_CRV_P256, -2: x, -3: y}


def _item(digest_id: int, name: str, value: Any) -> cbor2.CBORTag:
    item = {
        "digestID": digest_id,
        "random": secrets.token_bytes(16),
        "elementIdentifier": name,
        "elementValue": value,
    }
    return cbor2.CBORTag(24, cbor2.dumps(item))


def issue(
    doctype: str,
    namespaces: Mapping[str, Mapping[str, Any]],
    device_key: dict[int, Any],
    signer: LoadedKey,
    certificate: x509.Certificate,
    signed: dt.datetime,
    valid_until: dt.datetime,
    status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The issuer-signed Document of `namespaces` ({namespace: {element: value}}), bound to
    `device_key` (a COSE_Key), valid from `signed` to `valid_until`, signed by `signer` whose
    certificate is `certificate`."""
    signed_items: dict[str, list[cbor2.CBORTag]] = {}
    digests: dict[str, dict[int, bytes]] = {}
    used: set[int] = set()
    for namespace, elements in namespaces.items():
        signed_items[namespace], digests[namespace] = [], {}
        for name, value in elements.items():
            digest_id = secrets.randbelow(1 << 31)
            while digest_id in used:  # pragma: no cover - one chance in millions
                digest_id = secrets.randbelow(1 << 31)
            used.add(digest_id)
            tagged = _item(digest_id, name, value)
            signed_items[namespace].append(tagged)
            digests[namespace][digest_id] = hashlib.sha256(cbor2.dumps(tagged)).digest()
    mso: dict[str, Any] = {
        "version": "1.0",
        "digestAlgorithm": "SHA-256",
        "valueDigests": digests,
        "deviceKeyInfo": {"deviceKey": device_key},
        "docType": doctype,
        "validityInfo": {
            "signed": tdate(signed),
            "validFrom": tdate(signed),
            "validUntil": tdate(valid_until),
        },
    }
    if status is not None:
        mso["status"] = dict(status)
    protected = cbor2.dumps({HEADER_ALG: ES256})
    payload = cbor2.dumps(cbor2.CBORTag(24, cbor2.dumps(mso)))
    signature = signer.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    der = certificate.public_bytes(serialization.Encoding.DER)
    issuer_auth = [protected, {HEADER_X5CHAIN: der}, payload, signature]
    return {
        "docType": doctype,
        "issuerSigned": {"nameSpaces": signed_items, "issuerAuth": issuer_auth},
    }
