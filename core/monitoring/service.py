"""Grants, registrations and the scan that turns licence changes into queued webhooks.

Errors raised (RuleError): MonitoringErrorCode members (rules.py), NOT_FOUND, OUT_OF_JURISDICTION,
INVALID_INPUT / TOO_LONG for bad text, and the core's codes for bad ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import secrets
import socket
import urllib.parse
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import select as orm_select

from core import audit
from core.accounts import PartnerOrg, Role
from core.clock import to_china
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import Code, NotFound, RuleError
from core.ids import lookup_id, new_id
from core.outbox import OutboxMessage
from core.registries.licences import DrivingLicence
from core.validation import optional_text, require_range, require_text

from . import rules
from .models import MonitoringGrant, MonitoringRegistration
from .rules import GrantStatus, MonitoringErrorCode, MonitoringEvent
from .webhooks import CHANNEL, TEMPLATE, event_body

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _refuse(code: MonitoringErrorCode, message: str, field: str, rule: str) -> RuleError:
    return RuleError(code, message, field=field, rule=rule)


def _address_allowed(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, production: bool
) -> bool:
    """A public address; a loopback one too outside production (a developer's own receiver)."""
    if address.is_loopback:
        return not production
    return address.is_global and not address.is_multicast


def host_allowed(host: str, production: bool) -> bool:
    """Whether `host` (a name or an address literal) may receive webhooks: every address it
    names is public (loopback allowed outside production). A name that does not resolve is
    refused. Checked when the endpoint is set and again at each delivery (a name may move)."""
    name = host.strip("[]").rstrip(".").lower()
    try:
        addresses = [ipaddress.ip_address(name)]
    except ValueError:
        if name == "localhost" or name.endswith(".localhost"):
            return not production
        try:
            infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    return bool(addresses) and all(_address_allowed(a, production) for a in addresses)


def require_webhook_url(value: str, production: bool, *, resolve: bool = True) -> str:
    """An https URL without credentials or fragment whose host is public (http, and loopback
    hosts, only outside production), at most 500 characters. Raises WEBHOOK_URL_INVALID or
    TOO_LONG naming `url`. `resolve=False` skips the DNS lookup of a host name (literals are
    always checked)."""
    text = require_text("url", value, 500)
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host, parts = "", None  # type: ignore[assignment]
    ok = (
        parts is not None
        and host
        and not parts.username
        and not parts.password
        and not parts.fragment
        and (parts.scheme == "https" or (parts.scheme == "http" and not production))
    )
    if ok and parts.scheme == "http":
        ok = host in _LOOPBACK  # plain http only to the developer's own machine
    if ok:
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None or host in _LOOPBACK or resolve:
            ok = host_allowed(host, production)
    if not ok:
        raise _refuse(
            MonitoringErrorCode.WEBHOOK_URL_INVALID,
            "Give an https URL of a public host, without user name or password"
            + ("." if production else " (http only to 127.0.0.1 or localhost in development)."),
            "url",
            rules.R_NO_INTERNAL,
        )
    return text


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


# -- administrators ---------------------------------------------------------------------------


def register(
    ctx: Context, scope: WriteScope, partner_id: str, max_days: int
) -> MonitoringRegistration:
    """Allow a partner to receive monitoring grants of at most `max_days` (1..1095). National
    admins: any partner; province admins: partners registered in their province."""
    session = scope.session
    org = session.get(PartnerOrg, lookup_id(partner_id))
    if org is None:
        raise NotFound("Partner", "partnerId")
    if Role.NATIONAL_ADMIN not in ctx.actor.roles and org.province_code != ctx.actor.province_code:
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            "A province administrator registers the partners registered in their province.",
            field="partnerId",
            rule="core: province administrators manage their province's partners",
        )
    if org.kind not in rules.MONITORING_KINDS:
        raise _refuse(
            MonitoringErrorCode.MONITORING_KIND_NOT_ALLOWED,
            f"A firm of kind {org.kind} does not monitor driving licences (insurers, car-rental "
            "firms and employers do).",
            "partnerId",
            rules.R_REGISTERED,
        )
    require_range("maxDays", max_days, 1, rules.MAX_REGISTRATION_DAYS)
    reg = session.get(MonitoringRegistration, org.id)
    if reg is None:
        reg = MonitoringRegistration(
            partner_org_id=org.id, max_days=max_days, updated_at=stamp(ctx.now())
        )
    reg.max_days = max_days
    reg.updated_at = stamp(ctx.now())
    session.add(reg)
    scope.subject(None, f"PartnerOrg:{org.id}", max_days=max_days)
    return reg


# -- partners ---------------------------------------------------------------------------------


def set_endpoint(ctx: Context, scope: WriteScope, url: str) -> tuple[MonitoringRegistration, str]:
    """Set the calling partner's webhook endpoint and issue a new signing secret (returned once;
    the previous secret stops signing at once)."""
    org_id = ctx.actor.partner_org_id
    reg = scope.session.get(MonitoringRegistration, org_id) if org_id else None
    if reg is None:
        raise _refuse(
            MonitoringErrorCode.MONITORING_NOT_REGISTERED,
            "Your firm is not registered for licence monitoring; ask the traffic administration.",
            "url",
            rules.R_REGISTERED,
        )
    reg.webhook_url = require_webhook_url(url, ctx.platform.settings.production)
    secret = new_secret()
    reg.webhook_secret = secret
    reg.updated_at = stamp(ctx.now())
    scope.session.add(reg)
    scope.subject(None, f"PartnerOrg:{reg.partner_org_id}", url=reg.webhook_url)
    return reg, secret


# -- holders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantRequest:
    partner_id: str
    purpose: str
    days: int
    events: Sequence[MonitoringEvent] | None = None  # None: every event the partner is offered
    licence_id: str | None = None  # None: the holder's only licence
    partner_reference: str | None = None


def _holder_licence(scope: WriteScope, person_id: str, licence_id: str | None) -> DrivingLicence:
    session = scope.session
    if licence_id is not None:
        licence = session.get(DrivingLicence, lookup_id(licence_id))
        if licence is None or licence.person_id != person_id:
            raise NotFound("DrivingLicence", "licenceId")
        return licence
    licences = session.exec(
        orm_select(DrivingLicence).where(DrivingLicence.person_id == person_id).limit(2)
    ).all()
    if len(licences) != 1:
        raise _refuse(
            MonitoringErrorCode.MONITORING_NO_LICENCE,
            "You hold no driving licence." if not licences else "Say which licence (licenceId).",
            "licenceId",
            rules.R_CONSENT,
        )
    return licences[0]


def create_grant(ctx: Context, scope: WriteScope, request: GrantRequest) -> MonitoringGrant:
    """The caller (a citizen) grants a registered partner the right to be told of changes to
    their licence, for `purpose` and `days` (1..the registration's maximum)."""
    person_id = ctx.require_person()
    session = scope.session
    purpose = require_text("purpose", request.purpose, rules.MAX_PURPOSE)
    reference = optional_text("partnerReference", request.partner_reference, rules.MAX_REFERENCE)
    org = session.get(PartnerOrg, lookup_id(request.partner_id))
    reg = session.get(MonitoringRegistration, org.id) if org is not None else None
    if org is None or reg is None or org.status != "ACTIVE":
        raise _refuse(
            MonitoringErrorCode.MONITORING_NOT_REGISTERED,
            "This firm is not registered for licence monitoring.",
            "partnerId",
            rules.R_REGISTERED,
        )
    require_range("days", request.days, 1, rules.MAX_REGISTRATION_DAYS)
    if request.days > reg.max_days:
        raise _refuse(
            MonitoringErrorCode.MONITORING_PERIOD_TOO_LONG,
            f"{org.name} may be granted at most {reg.max_days} days.",
            "days",
            rules.R_PERIOD,
        )
    offered = rules.offered_events(org.allowed_claims)
    wanted = list(dict.fromkeys(request.events)) if request.events else offered
    refused = [event for event in wanted if event not in offered]
    if refused or not wanted:
        raise _refuse(
            MonitoringErrorCode.MONITORING_EVENT_NOT_ALLOWED,
            f"{org.name} may not be told of {refused[0].value if refused else 'any change'}.",
            "events",
            rules.R_CLAIMS,
        )
    licence = _holder_licence(scope, person_id, request.licence_id)
    active = session.exec(
        orm_select(MonitoringGrant.id).where(
            MonitoringGrant.licence_id == licence.id,
            MonitoringGrant.partner_org_id == org.id,
            MonitoringGrant.status == GrantStatus.ACTIVE.value,
        )
    ).first()
    if active is not None:
        raise _refuse(
            MonitoringErrorCode.MONITORING_GRANT_EXISTS,
            f"{org.name} already monitors this licence; revoke that grant first.",
            "partnerId",
            rules.R_CONSENT,
        )
    now = ctx.now()
    state = rules.licence_state(licence.status, licence.points, licence.valid_until, ctx.today())
    grant = MonitoringGrant(
        holder_person_id=person_id,
        licence_id=licence.id,
        partner_org_id=org.id,
        purpose=purpose,
        partner_reference=reference,
        events=[event.value for event in wanted],
        last_state=state.stored(),
        created_at=stamp(now),
        expires_at=stamp(now + dt.timedelta(days=request.days)),
    )
    session.add(grant)
    scope.subject(person_id, f"MonitoringGrant:{grant.id}", partner=org.id, days=request.days)
    return grant


def revoke_grant(ctx: Context, scope: WriteScope, grant_id: str) -> MonitoringGrant:
    """The holder ends their grant: nothing more is delivered, queued deliveries included."""
    person_id = ctx.require_person()
    grant = scope.session.get(MonitoringGrant, lookup_id(grant_id))
    if grant is None or grant.holder_person_id != person_id:
        raise NotFound("MonitoringGrant", "grantId")
    if grant.status != GrantStatus.ACTIVE.value:
        raise _refuse(
            MonitoringErrorCode.MONITORING_GRANT_NOT_ACTIVE,
            "This grant has already ended.",
            "grantId",
            rules.R_CONSENT,
        )
    grant.status = GrantStatus.REVOKED.value
    grant.ended_at = stamp(ctx.now())
    scope.session.add(grant)
    scope.subject(person_id, f"MonitoringGrant:{grant.id}", partner=grant.partner_org_id)
    return grant


# -- the scan ---------------------------------------------------------------------------------

_GRANTS = MonitoringGrant.__table__  # type: ignore[attr-defined]
_LICENCES = DrivingLicence.__table__  # type: ignore[attr-defined]
_ORGS = PartnerOrg.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass
class ScanReport:
    checked: int = 0
    changed: int = 0
    queued: int = 0
    expired: int = 0
    skipped: bool = False  # another scan held the lock


_SCAN_LOCK = zlib.crc32(b"monitoring-scan")


def _lock(conn: Connection) -> bool:
    """One scan at a time: PostgreSQL's transaction-level advisory lock, taken without waiting;
    on SQLite the write transaction (BEGIN IMMEDIATE) taken before the read is the lock."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SCAN_LOCK}).scalar()
    )


def scan(engine: Engine, now: dt.datetime, chunk: int = 2000) -> ScanReport:
    """Compare every active grant's licence with what its partner was last told; for each change,
    in one transaction per chunk of grants (read under the scan's lock, so two scans never tell the
    same change twice): the grants' new state, one webhook per event the grant covers, and one
    audit event naming the holder (the partner learns about their licence). Grants past their
    period become EXPIRED first. Set-based: a handful of statements per chunk."""
    report = ScanReport()
    today = to_china(now).date()
    at = stamp(now)
    with engine.begin() as conn:
        report.expired = conn.execute(
            update(_GRANTS)
            .where(_GRANTS.c.status == GrantStatus.ACTIVE.value, _GRANTS.c.expires_at <= at)
            .values(status=GrantStatus.EXPIRED.value, ended_at=at)
        ).rowcount
    query = (
        select(
            _GRANTS.c.id,
            _GRANTS.c.holder_person_id,
            _GRANTS.c.partner_org_id,
            _GRANTS.c.partner_reference,
            _GRANTS.c.events,
            _GRANTS.c.last_state,
            _LICENCES.c.status,
            _LICENCES.c.points,
            _LICENCES.c.valid_until,
            _ORGS.c.allowed_claims,
            _ORGS.c.province_code,
        )  # fmt: skip
        .join(_LICENCES, _LICENCES.c.id == _GRANTS.c.licence_id)
        .join(_ORGS, and_(_ORGS.c.id == _GRANTS.c.partner_org_id, _ORGS.c.status == "ACTIVE"))
        .where(_GRANTS.c.status == GrantStatus.ACTIVE.value)
        .order_by(_GRANTS.c.id)
    )
    last = ""
    while True:
        with engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if not _lock(conn):
                    report.skipped = True
                    break
                rows = conn.execute(query.where(_GRANTS.c.id > last).limit(chunk)).all()
                if not rows:
                    break
                last = rows[-1].id
                report.checked += len(rows)
                _integrate(conn, rows, now, today, report)
    return report


_SET_STATE = (
    update(_GRANTS)
    .where(_GRANTS.c.id == bindparam("grant_id"))
    .values(last_state=bindparam("state"), state_seq=_GRANTS.c.state_seq + 1)
)


def _integrate(
    conn: Connection, rows: Sequence[Any], now: dt.datetime, today: dt.date, report: ScanReport
) -> None:
    states: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    at = stamp(now)
    for row in rows:
        new = rules.licence_state(row.status, row.points, row.valid_until, today)
        old = rules.LicenceState.from_stored(row.last_state) if row.last_state else new
        if new == old:
            continue
        states.append({"grant_id": row.id, "state": new.stored()})
        covered = set(row.events)
        for event in rules.events_between(old, new):
            if event.value not in covered:
                continue
            message_id = new_id()
            body = event_body(message_id, row, event, new, now)
            outbox.append({
                "id": message_id, "channel": CHANNEL, "person_id": None, "account_id": None,
                "partner_org_id": row.partner_org_id, "unit_id": None, "phone": None,
                "template": TEMPLATE, "params": {"grant": row.id, "event": event.value},
                "text": orjson.dumps(body).decode(), "measure": "core", "status": "PENDING",
                "attempts": 0, "last_error": None, "created_at": at, "next_attempt_at": at,
                "sent_at": None,
            })  # fmt: skip
            events.append(
                audit.EventDraft(
                    log_id=audit.log_for("PARTNER", row.province_code),
                    at=now,
                    actor_account_id=None,
                    actor_kind="SYSTEM",
                    actor_role="SYSTEM",
                    jurisdiction="NATIONAL",
                    action="core.monitoring_notify",
                    measure=None,
                    subject_person_id=row.holder_person_id,
                    subject_ref=f"MonitoringGrant:{row.id}",
                    outcome="OK",
                    detail={
                        "partner": row.partner_org_id,
                        "event": event.value,
                        "delivery": message_id,
                    },
                ).row()  # fmt: skip
            )
    if states:
        conn.execute(_SET_STATE, states)
        report.changed += len(states)
    if outbox:
        conn.execute(insert(_OUTBOX), outbox)
        audit.insert_events(conn, events)
        report.queued += len(outbox)
