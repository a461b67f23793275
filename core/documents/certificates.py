"""X.509 certificates of the mdoc keys (ISO/IEC 18013-5 Annex B): the issuing-authority root
(IACA, key purpose "iaca", self-signed, published for readers to trust) and the document signer
(DS, key purpose "mdoc", signed by the IACA key) whose certificate travels in every Mobile
Security Object (COSE header x5chain, 33).

Nothing is stored: each certificate is derived from its key (subject, validity from the key's
activation, serial from its key id) and signed with deterministic ECDSA (RFC 6979), so every worker
derives the very same bytes. The IACA root changes only when the "iaca" key is rotated (an operator
event: publish the new root to readers first); the DS key rotates like any signing key and its
certificate follows.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from core.documents.keys import KeyRing, LoadedKey

IACA_PURPOSE, DS_PURPOSE = "iaca", "mdoc"
IACA_DAYS = 3650  # the root: ten years
DS_DAYS = 457  # a document signer: at most 457 days (ISO/IEC 18013-5 Table B.3)
ID_MDL_KP_MDL_DS = x509.ObjectIdentifier("1.0.18013.5.1.2")  # extended key usage of a DS
COUNTRY = "CN"
ORGANISATION = "Traffic Management Bureau of the Ministry of Public Security"
IACA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, "CN Traffic Administration IACA"),
    ]
)
DS_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, "CN Traffic Administration mDL Document Signer"),
    ]
)


def _serial(kid: str) -> int:
    """A positive serial of at most 127 bits, fixed by the key id."""
    return int.from_bytes(hashlib.sha256(kid.encode()).digest()[:16], "big") >> 1 | 1


def _start(key: LoadedKey) -> dt.datetime:
    since = key.activated_at or dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return since.astimezone(dt.UTC).replace(microsecond=0)


_CACHE: dict[tuple[str, ...], x509.Certificate] = {}  # by key ids: the same bytes every time


def _iaca(key: LoadedKey) -> x509.Certificate:
    kid, start, public = key.kid, _start(key), key.public
    assert key.private is not None
    return (
        x509.CertificateBuilder()
        .subject_name(IACA_NAME)
        .issuer_name(IACA_NAME)
        .public_key(public)
        .serial_number(_serial(kid))
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=IACA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key.private, hashes.SHA256(), ecdsa_deterministic=True)
    )


def _ds(key: LoadedKey, root: LoadedKey) -> x509.Certificate:
    kid, start = key.kid, _start(key)
    assert root.private is not None
    return (
        x509.CertificateBuilder()
        .subject_name(DS_NAME)
        .issuer_name(IACA_NAME)
        .public_key(key.public)
        .serial_number(_serial(kid))
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=DS_DAYS))
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ID_MDL_KP_MDL_DS]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public), critical=False
        )
        .sign(root.private, hashes.SHA256(), ecdsa_deterministic=True)
    )


def iaca_certificate(keys: KeyRing) -> x509.Certificate:
    """The issuing-authority root certificate readers trust (from the ACTIVE "iaca" key)."""
    key = keys.active(IACA_PURPOSE)
    found = _CACHE.get((key.kid,))
    if found is None:
        found = _CACHE[(key.kid,)] = _iaca(key)
    return found


def document_signer(
    keys: KeyRing, now: dt.datetime, valid_through: dt.datetime
) -> tuple[LoadedKey, x509.Certificate]:
    """The ACTIVE "mdoc" key and its certificate, issued by the IACA root. When that certificate
    ends before `valid_through` (what is signed now must verify until then), the "mdoc" key is
    rotated first (its NEXT key becomes ACTIVE, with a certificate from `now`): a document signer
    never signs past its certificate's 457 days."""
    for _ in range(2):
        key, root = keys.active(DS_PURPOSE), keys.active(IACA_PURPOSE)
        found = _CACHE.get((key.kid, root.kid))
        if found is None:
            found = _CACHE[(key.kid, root.kid)] = _ds(key, root)
        if found.not_valid_after_utc >= valid_through.astimezone(dt.UTC):
            break
        keys.rotate(DS_PURPOSE, now)
    return key, found


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
