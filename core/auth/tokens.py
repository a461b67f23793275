"""JSON Web Tokens: issued at sign-in, verified on every request.

- Algorithm pinned to ES256; the `kid` must name an ACTIVE or RETIRING "auth" key of the ring
  (document keys are a different purpose, so a credential never passes as a token).
- `iss`, `aud`, `sub`, `exp`, `iat`, `nbf`, `typ` are required; expiry and not-before are checked
  against the platform clock (so a test pinned to 2021 works with tokens minted in 2021) by one
  rule, `in_validity`, whether or not the token was seen before.
- A key still in state NEXT (published, not yet signing) never verifies a token: a key's
  compromise window starts when it becomes ACTIVE.
- `typ` is "user" (people: citizens and staff) or "partner" (client credentials).
- A verified token is cached by its exact text until it expires: the signature of a given string
  cannot change, and this keeps the ECDSA check off the hot path for repeat callers. Whether the
  account behind it is still active is not cached: see core/auth/principals.py.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

import jwt

from core.clock import Clock
from core.documents.keys import KeyRing
from core.errors import NotAuthenticated
from core.ids import new_code

REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "nbf", "typ")
TOKEN_TYPES = ("user", "partner")
LEEWAY_SECONDS = 30  # clock skew tolerated on `nbf` (RFC 7519 §4.1.5 allows "some small leeway")


def in_validity(claims: dict[str, Any], now: float) -> bool:
    """The one time rule, on every path (first verification and cached): `nbf` may be up to
    LEEWAY_SECONDS ahead of the platform clock; `exp` is strict (RFC 7519 §4.1.4-4.1.5)."""
    return claims["nbf"] - LEEWAY_SECONDS <= now < claims["exp"]


class TokenService:
    def __init__(
        self, keys: KeyRing, clock: Clock, issuer: str, audience: str, cache_size: int = 50_000
    ) -> None:
        self._keys = keys
        self._clock = clock
        self.issuer = issuer
        self.audience = audience
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._cache_size = cache_size

    def issue(
        self, subject: str, token_type: str, minutes: int, **claims: Any
    ) -> tuple[str, dt.datetime]:
        now = self._clock.now()
        expires = now + dt.timedelta(minutes=minutes)
        key = self._keys.active("auth")
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "typ": token_type,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": new_code(12),
            **claims,
        }
        token = jwt.encode(body, key.private, algorithm="ES256", headers={"kid": key.kid})  # type: ignore[arg-type]
        return token, expires

    def verify(self, token: str) -> dict[str, Any]:
        """Claims of a valid token, or NotAuthenticated with a short reason."""
        now = self._clock.now().timestamp()
        cached = self._cache.get(token)
        if cached is not None:
            if in_validity(cached, now):
                return cached
            if now >= cached["exp"]:
                self._cache.pop(token, None)
            raise NotAuthenticated("Token expired or not yet valid.")
        claims = self._verify_signature(token)
        if not in_validity(claims, now):
            raise NotAuthenticated("Token expired or not yet valid.")
        self._cache[token] = claims
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return claims

    def _verify_signature(self, token: str) -> dict[str, Any]:
        if len(token) > 4096:
            raise NotAuthenticated("Token malformed.")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise NotAuthenticated("Token malformed.") from None
        if header.get("alg") != "ES256":
            raise NotAuthenticated("Token algorithm not allowed.")
        key = self._keys.verifying_key(str(header.get("kid")), "auth")
        if key is None:
            raise NotAuthenticated("Token signed with an unknown or retired key.")
        try:
            claims = jwt.decode(
                token,
                key.public,
                algorithms=["ES256"],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(_rejection(exc)) from None
        if claims.get("typ") not in TOKEN_TYPES:
            raise NotAuthenticated("Token type not accepted.")
        if not all(isinstance(claims.get(k), int) for k in ("exp", "nbf", "iat")):
            raise NotAuthenticated("Token time claims malformed.")
        return claims


# why PyJWT refused a token, in the API's words (not the library's class names); first match wins
_REJECTIONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.InvalidSignatureError, "Token signature does not verify."),
    (jwt.InvalidAudienceError, "Token audience not accepted."),
    (jwt.InvalidIssuerError, "Token issuer not accepted."),
    (jwt.MissingRequiredClaimError, "Token lacks a required claim."),
    (jwt.InvalidAlgorithmError, "Token algorithm not accepted (ES256 only)."),
    (jwt.DecodeError, "Token malformed."),
)


def _rejection(error: Exception) -> str:
    """The message for a token PyJWT refused with `error`."""
    return next((text for kind, text in _REJECTIONS if isinstance(error, kind)), "Token rejected.")
