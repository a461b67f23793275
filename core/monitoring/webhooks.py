"""Webhook deliveries of licence monitoring, signed as the Standard Webhooks specification says.

A delivery is an outbox message on the WEBHOOK channel addressed to the partner organisation; its
`text` is the JSON body, fixed when the change was found:

    {"type": "licence.suspended",                 # "licence." + the event, lower case
     "timestamp": "2024-09-02T09:00:00+08:00",    # when the change was found (platform clock)
     "data": {"grantId": "...", "partnerReference": "..." | null, "event": "SUSPENDED",
              "status": "SUSPENDED",              # only with the partner's "status" claim
              "validUntil": "2025-01-01",         # EXPIRING / EXPIRED, with "valid_until"
              "pointsBelow12": false}}            # POINTS_THRESHOLD_REACHED, with "points_below_12"

Never a name, an ID number or a licence number: the partner matches `grantId` or the
`partnerReference` the holder typed. Headers (Standard Webhooks): `webhook-id` (the message id,
the same on every retry: receivers drop duplicates by it), `webhook-timestamp` (Unix seconds of
the attempt, system clock: the receiver's replay window), `webhook-signature` ("v1," + base64
HMAC-SHA256 over "id.timestamp.body" with the partner's `whsec_` secret), signed with the
`standardwebhooks` library.

Delivery (`deliver_webhooks`, the `webhook_deliver` job): due messages are read in one statement
with their grant, partner and endpoint; each is posted outside any database transaction, then
marked in a short one. A 2xx answer marks it SENT; anything else (refused connection, timeout,
non-2xx) leaves it PENDING, retried after 30 s, 1, 2, 4 ... minutes (at most an hour apart); after
three days it is FAILED. A grant that was revoked or expired, or a suspended partner, CANCELLED it
at its next attempt: nothing more reaches the partner. At least once: a crash between the answer and
the mark repeats the delivery with the same `webhook-id`.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import and_, select, update
from sqlalchemy.engine import Engine
from standardwebhooks import Webhook

from core.accounts import PartnerOrg
from core.clock import to_china
from core.db import stamp
from core.notices import NoticeChannel
from core.outbox import OutboxMessage

from .models import MonitoringGrant, MonitoringRegistration
from .rules import GrantStatus, LicenceState, MonitoringEvent

CHANNEL = NoticeChannel.WEBHOOK.value
TEMPLATE = "core.monitoring"
GIVE_UP_AFTER = dt.timedelta(days=3)
TIMEOUT_S = 5.0

_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_GRANTS = MonitoringGrant.__table__  # type: ignore[attr-defined]
_ORGS = PartnerOrg.__table__  # type: ignore[attr-defined]
_REGS = MonitoringRegistration.__table__  # type: ignore[attr-defined]


def event_body(
    message_id: str, row: Any, event: MonitoringEvent, state: LicenceState, now: dt.datetime
) -> dict[str, Any]:
    """The webhook body for `event` of the grant `row` (with its partner's `allowed_claims`):
    only what those claims let the partner see (module docstring)."""
    claims = set(row.allowed_claims or ())
    data: dict[str, Any] = {
        "grantId": row.id,
        "partnerReference": row.partner_reference,
        "event": event.value,
    }
    if "status" in claims:
        data["status"] = state.condition.value
    if event in (MonitoringEvent.EXPIRING, MonitoringEvent.EXPIRED) and "valid_until" in claims:
        data["validUntil"] = row.valid_until.isoformat()
    if event is MonitoringEvent.POINTS_THRESHOLD_REACHED:
        data["pointsBelow12"] = False
    return {
        "type": "licence." + event.value.lower(),
        "timestamp": to_china(now).isoformat(),
        "data": data,
    }


def transport() -> httpx.Client:
    """The HTTP client deliveries use (the `webhook_transport` adapter): no redirects followed,
    no proxy settings from the environment, a 5 s timeout."""
    return httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, trust_env=False)


def signed_headers(secret: str, message_id: str, body: str, sent_at: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at.astimezone(dt.UTC), body),
    }


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # left pending for a retry
    cancelled: int = 0
    given_up: int = 0


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** min(attempts, 7)))


def deliver_webhooks(
    engine: Engine,
    client: httpx.Client,
    now: dt.datetime,
    batch: int = 200,
    *,
    production: bool = True,
) -> DeliveryReport:
    """Post the due webhook deliveries (module docstring). Returns what happened to each. The
    endpoint's host is checked again before each attempt (`service.host_allowed`: public
    addresses only; loopback too when not `production`)."""
    report = DeliveryReport()
    at = stamp(now)
    due = (
        select(
            _OUTBOX.c.id,
            _OUTBOX.c.text,
            _OUTBOX.c.attempts,
            _REGS.c.webhook_url,
            _REGS.c.webhook_secret,
            and_(
                _GRANTS.c.status == GrantStatus.ACTIVE.value,
                _GRANTS.c.expires_at > at,
                _ORGS.c.status == "ACTIVE",
            ).label("live"),
            (_OUTBOX.c.created_at <= stamp(now - GIVE_UP_AFTER)).label("stale"),
        )  # fmt: skip
        .join(_ORGS, _ORGS.c.id == _OUTBOX.c.partner_org_id)
        .outerjoin(_GRANTS, _GRANTS.c.id == _OUTBOX.c.params["grant"].as_string())
        .outerjoin(_REGS, _REGS.c.partner_org_id == _OUTBOX.c.partner_org_id)
        .where(
            _OUTBOX.c.channel == CHANNEL,
            _OUTBOX.c.status == "PENDING",
            _OUTBOX.c.next_attempt_at <= at,
        )
        .order_by(_OUTBOX.c.next_attempt_at, _OUTBOX.c.id)
        .limit(batch)
    )
    with engine.connect() as conn:
        rows = conn.execute(due).all()
    hosts: dict[str, bool] = {}  # one address check (DNS) per host and pass, not per delivery
    for row in rows:
        mark: dict[str, Any]
        if not row.live:
            mark = {"status": "CANCELLED", "last_error": "grant ended or partner suspended"}
            report.cancelled += 1
        else:
            error = _post(client, row, production, hosts)
            if error is None:
                mark = {"status": "SENT", "sent_at": at, "last_error": None}
                report.sent += 1
            elif row.stale:
                mark = {"status": "FAILED", "last_error": error}
                report.given_up += 1
            else:
                mark = {"last_error": error, "next_attempt_at": stamp(now + _backoff(row.attempts))}
                report.failed += 1
        with engine.begin() as conn:
            conn.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == row.id, _OUTBOX.c.status == "PENDING")
                .values(attempts=_OUTBOX.c.attempts + 1, **mark)
            )
    return report


def _post(client: httpx.Client, row: Any, production: bool, hosts: dict[str, bool]) -> str | None:
    """One attempt; None when the partner answered 2xx, else a short reason. `hosts` caches
    the address check of each host for this pass."""
    from .service import host_allowed

    if not row.webhook_url or not row.webhook_secret:
        return "no endpoint set"
    host = httpx.URL(row.webhook_url).host
    if host not in hosts:
        hosts[host] = host_allowed(host, production)
    if not hosts[host]:
        return "endpoint address not allowed"  # the name now points inside: never posted
    sent_at = dt.datetime.fromtimestamp(time.time(), dt.UTC)  # transport time: the replay window
    headers = signed_headers(row.webhook_secret, row.id, row.text, sent_at)
    try:
        answer = client.post(row.webhook_url, content=row.text.encode(), headers=headers)
    except httpx.HTTPError as exc:
        return type(exc).__name__[:200]
    if 200 <= answer.status_code < 300:
        return None
    return f"HTTP {answer.status_code}"
