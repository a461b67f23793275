"""Signing keys with rotation, published as JWKS.

States: NEXT (published, not yet signing) -> ACTIVE (signs) -> RETIRING (still verifies, no longer
signs) -> RETIRED (refused). `rotate` publishes a new NEXT key, promotes the previous NEXT to ACTIVE
and moves the previous ACTIVE to RETIRING, so verifiers have seen a key before anything is signed
with it. Keys are ECDSA P-256 (ES256): on these machines P-256 verifies faster than Ed25519 and the
signature is 64 bytes either way. Each key has a purpose: "auth" (access tokens) or "document"
(credentials, QR payloads) or "audit" (signed checkpoints of the audit chain), so a document can
never pass as an access token or the reverse; "iaca" and "mdoc" sign ISO/IEC 18013-5 mdocs
(the root certificate and the document signer).

The private key sits behind the `Signer` protocol so a hardware module (or SM2) can replace it; the
built-in store keeps PEM in the database, which is for development and tests only.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from core.db import stamp, write_session
from core.ids import new_code
from verifier import codec

PURPOSES = ("auth", "document", "audit", "iaca", "mdoc")
# published in the JWKS; the mdoc keys ("iaca": the issuing-authority root of ISO/IEC 18013-5,
# "mdoc": its document signer) are published as X.509 certificates (core/documents/certificates.py)
JWKS_PURPOSES = ("auth", "document", "audit")
KID_LETTER = {"auth": "A", "document": "D", "audit": "L", "iaca": "I", "mdoc": "M"}  # kid's first
REFRESH_SECONDS = 60.0
UNKNOWN_KID_RELOAD_SECONDS = 5.0


class KeyRetirementError(ValueError):
    """A key that may not be retired (yet); the message says why."""


class KeyState:
    NEXT = "NEXT"
    ACTIVE = "ACTIVE"
    RETIRING = "RETIRING"
    RETIRED = "RETIRED"


class SigningKey(SQLModel, table=True):
    __tablename__ = "signing_keys"

    kid: str = Field(primary_key=True, max_length=16)
    purpose: str = Field(max_length=16)
    alg: str = Field(default="ES256", max_length=8)
    private_pem: str = Field(max_length=1000)
    public_x: str = Field(max_length=64)
    public_y: str = Field(max_length=64)
    state: str = Field(max_length=12)
    created_at: dt.datetime
    activated_at: dt.datetime | None = None
    retiring_at: dt.datetime | None = None
    retired_at: dt.datetime | None = None


class Signer(Protocol):
    """Signs bytes with one key; returns the raw 64-byte r||s signature."""

    kid: str

    def sign(self, data: bytes) -> bytes: ...


_ECDSA = ec.ECDSA(hashes.SHA256())  # stateless: one for every signature


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class LoadedKey:
    kid: str
    purpose: str
    state: str
    public: ec.EllipticCurvePublicKey
    private: ec.EllipticCurvePrivateKey | None
    activated_at: dt.datetime | None = None  # when it started signing (UTC; certificates)

    def sign(self, data: bytes) -> bytes:
        assert self.private is not None
        der = self.private.sign(data, _ECDSA)
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Check a raw r || s ES256 signature (the same check as the offline verifier's)."""
        return codec.es256_verify(self.public, signature, data)

    def jwk(self) -> dict[str, str]:
        numbers = self.public.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "kid": self.kid,
            "use": "sig",
            "alg": "ES256",
            "x": _b64u(numbers.x.to_bytes(32, "big")),
            "y": _b64u(numbers.y.to_bytes(32, "big")),
            "key_ops": ["verify"],
            "status": self.state.lower(),
            "purpose": self.purpose,
        }


def public_key_from_jwk(jwk: dict[str, str]) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(_b64u_decode(jwk["x"]), "big")
    y = int.from_bytes(_b64u_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def _new_key_row(purpose: str, state: str, now: dt.datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    numbers = private.public_key().public_numbers()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return SigningKey(
        kid=KID_LETTER[purpose] + new_code(7),
        purpose=purpose,
        private_pem=pem,
        public_x=_b64u(numbers.x.to_bytes(32, "big")),
        public_y=_b64u(numbers.y.to_bytes(32, "big")),
        state=state,
        created_at=stamp(now),
        activated_at=stamp(now) if state == KeyState.ACTIVE else None,
    )


class KeyRing:
    """All keys of the deployment, loaded from the database and reloaded every REFRESH_SECONDS
    on every read path (signing, publishing, verifying), and sooner when an unknown kid shows up.

    `monotonic` is the seconds clock that times the reloads (tests pass a fake one)."""

    def __init__(self, engine: Engine, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._keys: dict[str, LoadedKey] = {}
        self._loaded_at = 0.0
        self.monotonic = monotonic

    def _fresh(self) -> float:
        """Reload when the ring is older than REFRESH_SECONDS (another worker or the CLI may have
        rotated or retired a key since); returns the current monotonic reading."""
        now = self.monotonic()
        if now - self._loaded_at > REFRESH_SECONDS:
            self.reload()
        return now

    def ensure(self, now: dt.datetime) -> None:
        """Make sure each purpose has an ACTIVE and a published NEXT key (first start)."""
        with write_session(self._engine) as session:
            for purpose in PURPOSES:
                states = set(
                    session.exec(
                        select(SigningKey.state).where(SigningKey.purpose == purpose)
                    ).all()
                )
                if KeyState.ACTIVE not in states:
                    session.add(_new_key_row(purpose, KeyState.ACTIVE, now))
                if KeyState.NEXT not in states:
                    session.add(_new_key_row(purpose, KeyState.NEXT, now))
            session.commit()
        self.reload()

    def reload(self) -> None:
        with Session(self._engine) as session:
            rows = session.exec(select(SigningKey)).all()
            loaded = {}
            for row in rows:
                private = None
                if row.state == KeyState.ACTIVE:
                    private = serialization.load_pem_private_key(
                        row.private_pem.encode(), password=None
                    )
                public = public_key_from_jwk({"x": row.public_x, "y": row.public_y})
                since = row.activated_at or row.created_at
                since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
                loaded[row.kid] = LoadedKey(row.kid, row.purpose, row.state, public, private, since)  # type: ignore[arg-type]
        with self._lock:
            self._keys = loaded
            self._loaded_at = self.monotonic()

    def active(self, purpose: str) -> LoadedKey:
        """The ACTIVE key of `purpose`, as of at most REFRESH_SECONDS ago."""
        self._fresh()
        for key in self._keys.values():
            if key.purpose == purpose and key.state == KeyState.ACTIVE:
                return key
        self.reload()
        for key in self._keys.values():
            if key.purpose == purpose and key.state == KeyState.ACTIVE:
                return key
        raise LookupError(f"no active {purpose} key")

    def verifying_key(self, kid: str, purpose: str) -> LoadedKey | None:
        """A key that may verify what this platform signed: ACTIVE or RETIRING. Never RETIRED,
        and never NEXT: a NEXT key is published so that verifiers know it before it signs, but
        nothing signed with it is genuine until it is ACTIVE.

        Key states are refreshed from the database every REFRESH_SECONDS (another worker may have
        rotated or retired a key); an unknown key id, or one this worker still sees as NEXT (another
        worker may just have activated it), triggers a refresh at most once per
        UNKNOWN_KID_RELOAD_SECONDS, so forged payloads cannot make every request hit the database.
        """
        now = self._fresh()
        key = self._keys.get(kid)
        stale = key is None or key.state == KeyState.NEXT
        if stale and now - self._loaded_at > UNKNOWN_KID_RELOAD_SECONDS:
            self.reload()
            key = self._keys.get(kid)
        if key is None or key.purpose != purpose:
            return None
        if key.state not in (KeyState.ACTIVE, KeyState.RETIRING):
            return None
        return key

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Published keys: NEXT, ACTIVE and RETIRING (a RETIRED key is withdrawn), of the
        JWKS_PURPOSES; as of at most REFRESH_SECONDS ago."""
        self._fresh()
        return {
            "keys": [
                k.jwk()
                for k in self._keys.values()
                if k.state != KeyState.RETIRED and k.purpose in JWKS_PURPOSES
            ]
        }

    def rotate(self, purpose: str, now: dt.datetime) -> str:
        """NEXT -> ACTIVE, ACTIVE -> RETIRING, new NEXT. Returns the newly active kid."""
        with write_session(self._engine) as session:
            rows = session.exec(select(SigningKey).where(SigningKey.purpose == purpose)).all()
            for row in rows:
                if row.state == KeyState.ACTIVE:
                    row.state = KeyState.RETIRING
                    row.retiring_at = stamp(now)
                    session.add(row)
            nxt = next((r for r in rows if r.state == KeyState.NEXT), None)
            if nxt is None:
                nxt = _new_key_row(purpose, KeyState.NEXT, now)
            nxt.state = KeyState.ACTIVE
            nxt.activated_at = stamp(now)
            session.add(nxt)
            session.add(_new_key_row(purpose, KeyState.NEXT, now))
            session.commit()
            kid = nxt.kid
        self.reload()
        return kid

    def retire(self, kid: str, now: dt.datetime, *, earliest: dt.datetime | None = None) -> None:
        """Withdraw a RETIRING key (RETIRED: no longer published, verifies nothing).

        Raises KeyRetirementError when `kid` is unknown, not RETIRING, an audit key (every signed
        tree head must verify for as long as the log exists, so audit keys are never withdrawn),
        or when `now` is before `earliest` (the caller's bound on when everything the key signed
        has expired: see `core.cli retire-key`)."""
        with write_session(self._engine) as session:
            row = session.get(SigningKey, kid)
            if row is None or row.state != KeyState.RETIRING:
                raise KeyRetirementError(f"{kid} is not a RETIRING key; only those can be retired")
            if row.purpose == "audit":
                raise KeyRetirementError(
                    "audit keys are never retired: the tree heads they signed must verify for "
                    "as long as the log exists"
                )
            if earliest is not None and stamp(now) < stamp(earliest):
                raise KeyRetirementError(
                    f"{kid} may be retired from {stamp(earliest):%Y-%m-%d %H:%M} on: what it "
                    "signed may still be valid until then"
                )
            row.state = KeyState.RETIRED
            row.retired_at = stamp(now)
            session.add(row)
            session.commit()
        self.reload()

    def retiring_since(self, kid: str) -> tuple[str, dt.datetime] | None:
        """(purpose, when it stopped signing) of a RETIRING key, else None."""
        with Session(self._engine) as session:
            row = session.get(SigningKey, kid)
        if row is None or row.state != KeyState.RETIRING or row.retiring_at is None:
            return None
        return row.purpose, row.retiring_at
