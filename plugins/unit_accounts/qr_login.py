"""Web sign-in by scanning a QR code with the app (八-二 "统一通过“交管12123”APP扫码登录").

1. The web page creates a challenge (`create`): a public id shown as a QR code and a secret the
   page keeps; it expires after `qr_login_seconds` (default 120).
2. The signed-in app scans it and approves it for one of the caller's units (`approve`).
3. The web page redeems id + secret once (`redeem`) for a short-lived token of the approving
   account. Approval and redemption are conditional UPDATEs, so each happens at most once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import update

from core.accounts import Account
from core.api.mutations import issue_user_token
from core.clock import to_china
from core.concurrency import consume_once
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import NotFound, RuleError
from core.validation import require_text

from . import rules
from .access import WEB_SESSION_CLAIM, require_member
from .errors import UnitAccountErrorCode
from .models import QrLoginChallenge
from .rules import MEASURE

QR_PREFIX = "12123UL1:"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _caller_key(ctx: Context) -> str:
    return ctx.client_address


def create(ctx: Context, scope: WriteScope, city_code: str) -> tuple[QrLoginChallenge, str]:
    """A new challenge for the web platform of `city_code`; returns it with its secret."""
    city = lookup_city(city_code, "city")
    ctx.require_in_force(MEASURE, city.code)
    rules.require_new_rules(ctx.today(), "city", rules.RULE_QR)
    ctx.platform.limiter.hit("unit_qr_create", _caller_key(ctx), 30, 60, field="city")
    seconds = ctx.setting(MEASURE, "qr_login_seconds", city.code)  # int, 30..600 (declared)
    secret = secrets.token_urlsafe(24)
    challenge = QrLoginChallenge(
        secret_hash=_digest(secret),
        city_code=city.code,
        created_at=stamp(scope.now),
        expires_at=stamp(scope.now + dt.timedelta(seconds=seconds)),
    )
    scope.session.add(challenge)
    scope.session.flush()
    scope.subject(None, f"QrLoginChallenge:{challenge.id}", city=city.code)
    return challenge, secret


def _load(scope: WriteScope, challenge_id: str) -> QrLoginChallenge:
    require_text("challengeId", challenge_id, 16)
    challenge = scope.session.get(QrLoginChallenge, challenge_id)
    if challenge is None:
        raise NotFound("Sign-in code", "challengeId")
    return challenge


def _state(scope: WriteScope, challenge: QrLoginChallenge, redeeming: bool) -> RuleError | None:
    return rules.qr_state_error(
        scope.now,
        to_china(challenge.expires_at),
        challenge.approved_at is not None,
        challenge.redeemed_at is not None,
        redeeming,
    )


def approve(ctx: Context, scope: WriteScope, challenge_id: str, unit_id: str) -> QrLoginChallenge:
    """The app approves a scanned challenge for a unit the caller is an active member of."""
    challenge = _load(scope, challenge_id.removeprefix(QR_PREFIX) if challenge_id else challenge_id)
    unit, _member = require_member(ctx, scope.session, unit_id)
    ctx.require_in_force(MEASURE, challenge.city_code, field="challengeId")
    rules.require_new_rules(ctx.today(), "challengeId", rules.RULE_QR)
    error = _state(scope, challenge, redeeming=False)
    if error:
        raise error
    table = QrLoginChallenge.__table__
    done = scope.session.execute(
        update(table)
        .where(table.c.id == challenge.id, table.c.approved_at.is_(None))
        .values(
            approved_at=stamp(scope.now),
            approved_account_id=ctx.actor.account_id,
            unit_id=unit.id,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleError(
            UnitAccountErrorCode.QR_ALREADY_USED,
            "This sign-in code was already approved.",
            "challengeId",
            rules.RULE_QR,
        )
    scope.subject(ctx.actor.person_id, f"QrLoginChallenge:{challenge.id}", unit=unit.id)
    return challenge


def redeem(
    ctx: Context, scope: WriteScope, challenge_id: str, secret: str
) -> tuple[str, dt.datetime, str]:
    """The web page exchanges an approved challenge once for a token; returns token, expiry, unit."""
    require_text("secret", secret, 64)
    ctx.platform.limiter.hit("unit_qr_redeem", challenge_id[:16], 10, 60, field="secret")
    challenge = _load(scope, challenge_id)
    if not hmac.compare_digest(_digest(secret), challenge.secret_hash):
        raise RuleError(
            UnitAccountErrorCode.QR_BAD_SECRET, "Wrong sign-in secret.", "secret", rules.RULE_QR
        )
    ctx.require_in_force(MEASURE, challenge.city_code, field="challengeId")
    error = _state(scope, challenge, redeeming=True)
    if error:
        raise error
    if not consume_once(
        scope.session, QrLoginChallenge, challenge.id, "redeemed_at", stamp(scope.now)
    ):
        raise RuleError(
            UnitAccountErrorCode.QR_ALREADY_USED,
            "This sign-in code was already used.",
            "challengeId",
            rules.RULE_QR,
        )
    account = scope.session.get(Account, challenge.approved_account_id or "")
    if account is None or account.status != "ACTIVE":
        raise NotFound("Account", "challengeId")
    token, expires = _web_session_token(ctx, account, challenge.unit_id or "")
    scope.subject(account.person_id, f"QrLoginChallenge:{challenge.id}", unit=challenge.unit_id)
    return token, expires, challenge.unit_id or ""


def _web_session_token(ctx: Context, account: Account, unit_id: str) -> tuple[str, dt.datetime]:
    """The approving account's token, bound to the unit (claim `uws`, access.WEB_SESSION_CLAIM):
    with it the web page does that unit's business and no other's (八-二)."""
    token, _expires = issue_user_token(ctx, account)
    claims = {
        k: v
        for k, v in ctx.platform.tokens.verify(token).items()
        if k in ("roles", "knd", "pid", "hpv")
    }
    return ctx.platform.tokens.issue(
        account.id,
        "user",
        ctx.platform.settings.access_token_minutes,
        **claims,
        **{WEB_SESSION_CLAIM: unit_id},
    )


def qr_payload(challenge: QrLoginChallenge) -> str:
    """What the web page shows as a QR code: only the challenge id (no secret, no identity)."""
    return QR_PREFIX + challenge.id
