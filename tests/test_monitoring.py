"""Licence monitoring with the holder's consent, pushed as Standard Webhooks (core/monitoring).

Deliveries go over real HTTP to a receiver on 127.0.0.1 and are checked with the independent
`standardwebhooks` library, not with the project's own signing code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from core.monitoring import rules
from core.monitoring.rules import Condition, LicenceState, MonitoringEvent
from core.outbox import OutboxMessage
from core.registries.licences import DrivingLicence

REGISTER = """mutation($p: ID!, $d: Int!) { partnerMonitoringRegister(partnerId: $p, maxDays: $d) {
  errors { code field } partnerId maxDays } }"""
ENDPOINT = """mutation($u: String!) { monitoringWebhookEndpointSet(url: $u) {
  errors { code field rule } url secret } }"""
PARTNERS = "{ monitoringPartners { id name maxDays events } }"
GRANT = """mutation($in: MonitoringGrantCreateInput!) { monitoringGrantCreate(input: $in) {
  errors { code field rule } grant { id partnerId partnerName purpose partnerReference events
  status expiresAt } } }"""
REVOKE = """mutation($id: ID!) { monitoringGrantRevoke(grantId: $id) {
  errors { code field } grant { id status endedAt } } }"""
MINE = "{ myMonitoringGrants { totalCount nodes { id partnerName status events } } }"
THEIRS = """query($s: MonitoringGrantStatus) { partnerMonitoringGrants(status: $s) {
  totalCount nodes { id purpose partnerReference status } } }"""
ROOT = Path(__file__).resolve().parent.parent
TRAIL = "{ myAuditTrail(first: 50) { nodes { action subjectRef actorKind } } }"


class Receiver:
    """A partner's webhook endpoint on 127.0.0.1: records what it was sent; `down` answers 503."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.down = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook
                body = self.rfile.read(int(self.headers["content-length"]))
                if receiver.down:
                    self.send_response(503)
                else:
                    receiver.received.append((dict(self.headers.items()), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/licence"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verified(self, secret: str) -> list[dict]:
        """Every delivery, checked by the standardwebhooks library (raises on a bad signature)."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.received]

    def signed_with(self, secret: str) -> list[dict]:
        """The deliveries whose signature the library accepts with `secret` (one partner's)."""
        found = []
        for headers, body in self.received:
            with contextlib.suppress(WebhookVerificationError):
                found.append(Webhook(secret).verify(body, headers))
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"  # nothing listens: the connection is refused


def _setup(env, url: str, partner: str = "insurer", days: int = 365) -> str:
    """The national admin registers the partner; the partner sets its endpoint; its secret."""
    org = env.refs[partner][0]
    done = env.data(REGISTER, {"p": org.id, "d": days}, as_="national_admin")
    assert done["partnerMonitoringRegister"] == {"errors": [], "partnerId": org.id, "maxDays": days}
    answer = env.data(ENDPOINT, {"u": url}, as_=env.refs[partner])["monitoringWebhookEndpointSet"]
    assert answer["errors"] == [] and answer["secret"].startswith("whsec_")
    return answer["secret"]


def _grant(env, partner: str = "insurer", who: str = "zhang_account", **extra) -> dict:
    payload = {"partnerId": env.refs[partner][0].id, "purpose": "车险续保核验", "days": 30, **extra}
    return env.data(GRANT, {"in": payload}, as_=who)["monitoringGrantCreate"]


def _set_licence(env, ref: str, **values) -> None:
    with env.session() as session:
        licence = session.get(DrivingLicence, env.refs[ref].id)
        for key, value in values.items():
            setattr(licence, key, value)
        session.add(licence)
        session.commit()


def _run(env, job: str) -> dict:
    return env.platform.jobs[job].run(env.platform, env.clock.now())


def _webhooks(env) -> list[OutboxMessage]:
    with env.session() as session:
        return list(
            session.exec(select(OutboxMessage).where(OutboxMessage.channel == "WEBHOOK")).all()
        )


def test_a_status_change_reaches_the_partner_signed_and_only_what_it_may_see(core_env, receiver):
    env = core_env
    secret = _setup(env, receiver.url)
    offered = env.data(PARTNERS, as_="zhang_account")["monitoringPartners"]
    assert [p["name"] for p in offered] == ["平安财产保险南京分公司"]  # registered partners only
    assert set(offered[0]["events"]) == {e.value for e in MonitoringEvent}
    made = _grant(env, partnerReference="POL-2024-001")
    assert made["errors"] == []
    grant = made["grant"]
    assert grant["status"] == "ACTIVE" and grant["partnerName"] == "平安财产保险南京分公司"
    assert env.data(MINE, as_="zhang_account")["myMonitoringGrants"]["totalCount"] == 1
    assert env.data(MINE, as_="li_account")["myMonitoringGrants"]["totalCount"] == 0
    theirs = env.data(THEIRS, as_=env.refs["insurer"])["partnerMonitoringGrants"]
    assert theirs["nodes"] == [
        {"id": grant["id"], "purpose": "车险续保核验", "partnerReference": "POL-2024-001",
         "status": "ACTIVE"}
    ]  # fmt: skip
    assert env.data(THEIRS, as_=env.refs["employer"])["partnerMonitoringGrants"]["totalCount"] == 0

    assert _run(env, "monitoring_scan")["queued"] == 0  # nothing changed yet
    _set_licence(env, "zhang_licence", status="SEIZED")  # 暂扣: the registry records it
    assert _run(env, "monitoring_scan")["queued"] == 1
    assert _run(env, "monitoring_scan")["queued"] == 0  # told once
    assert _run(env, "webhook_deliver")["sent"] == 1
    [body] = receiver.verified(secret)
    assert body["type"] == "licence.suspended"
    assert body["data"] == {
        "grantId": grant["id"], "partnerReference": "POL-2024-001", "event": "SUSPENDED",
        "status": "SUSPENDED",
    }  # fmt: skip
    raw = receiver.received[0][1].decode()
    zhang = env.refs["zhang"]
    assert zhang.id_number not in raw and zhang.name not in raw and zhang.id not in raw
    headers = receiver.received[0][0]
    assert headers["webhook-id"] == _webhooks(env)[0].id
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 44).verify(receiver.received[0][1], headers)  # another secret
    # the partner also reads the delivery among its notices: a core notice on the WEBHOOK channel
    notices = env.data(
        "{ myNotices(first: 5) { nodes { measure template channel } } }", as_=env.refs["insurer"]
    )["myNotices"]["nodes"]
    assert {"measure": "core", "template": "core.monitoring", "channel": "WEBHOOK"} in notices

    # back to normal: RESTORED; the holder's trail shows each disclosure to the partner
    _set_licence(env, "zhang_licence", status="NORMAL")
    _run(env, "monitoring_scan")
    _run(env, "webhook_deliver")
    assert [b["data"]["event"] for b in receiver.verified(secret)] == ["SUSPENDED", "RESTORED"]
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    told = [n for n in trail if n["action"] == "core.monitoring_notify"]
    assert len(told) == 2 and told[0]["subjectRef"] == f"MonitoringGrant:{grant['id']}"
    assert any(n["action"] == "core.monitoring_grant" for n in trail)


def test_nothing_is_lost_while_the_endpoint_is_down(core_env, receiver):
    env = core_env
    _setup(env, _closed_port_url())
    _grant(env)
    _set_licence(env, "zhang_licence", status="REVOKED")
    _run(env, "monitoring_scan")
    first = _run(env, "webhook_deliver")
    assert first == {"sent": 0, "failed": 1, "cancelled": 0}  # connection refused
    [message] = _webhooks(env)
    assert message.status == "PENDING" and message.attempts == 1
    assert _run(env, "webhook_deliver")["failed"] == 0  # not due yet: backoff
    env.clock.set(env.clock.now() + dt.timedelta(minutes=1))
    secret = _setup(env, receiver.url)  # the partner moves its endpoint (a new secret)
    receiver.down = True
    assert _run(env, "webhook_deliver")["failed"] == 1  # 503
    env.clock.set(env.clock.now() + dt.timedelta(hours=1))
    receiver.down = False
    assert _run(env, "webhook_deliver")["sent"] == 1
    [body] = receiver.verified(secret)
    assert body["data"]["event"] == "REVOKED"
    [message] = _webhooks(env)
    assert message.status == "SENT" and message.attempts == 3


def test_a_revoked_or_expired_grant_stops_deliveries_at_once(core_env, receiver):
    env = core_env
    secret = _setup(env, receiver.url)
    grant = _grant(env)["grant"]
    _set_licence(env, "zhang_licence", status="SEIZED")
    _run(env, "monitoring_scan")  # queued, not yet delivered
    done = env.data(REVOKE, {"id": grant["id"]}, as_="zhang_account")["monitoringGrantRevoke"]
    assert done["errors"] == [] and done["grant"]["status"] == "REVOKED"
    assert _run(env, "webhook_deliver") == {"sent": 0, "failed": 0, "cancelled": 1}
    _set_licence(env, "zhang_licence", status="NORMAL")
    assert _run(env, "monitoring_scan")["queued"] == 0
    assert receiver.received == []
    again = env.data(REVOKE, {"id": grant["id"]}, as_="zhang_account")["monitoringGrantRevoke"]
    assert again["errors"] == [{"code": "MONITORING_GRANT_NOT_ACTIVE", "field": "grantId"}]

    # a new grant for 30 days: once the period ends, what is queued is not delivered either
    second = _grant(env)["grant"]
    _set_licence(env, "zhang_licence", status="SEIZED")
    _run(env, "monitoring_scan")
    env.clock.set(env.clock.now() + dt.timedelta(days=31))
    assert _run(env, "monitoring_scan")["expired"] == 1
    assert _run(env, "webhook_deliver")["cancelled"] == 1
    assert receiver.verified(secret) == []
    mine = env.data(MINE, as_="zhang_account")["myMonitoringGrants"]["nodes"]
    assert {(n["id"], n["status"]) for n in mine} == {
        (grant["id"], "REVOKED"), (second["id"], "EXPIRED")
    }  # fmt: skip


def test_a_partner_is_offered_and_told_only_what_its_claims_allow(core_env, receiver):
    """The employer may see `status` only: no EXPIRING (valid_until) nor 12 points as such, but
    12 points suspend the licence, so it is told SUSPENDED (as online verification answers); the
    insurer's EXPIRING carries the end of validity."""
    env = core_env
    employer_secret = _setup(env, receiver.url, "employer")
    refused = _grant(env, "employer", events=["EXPIRING"])
    assert refused["errors"][0]["code"] == "MONITORING_EVENT_NOT_ALLOWED"
    assert refused["grant"] is None
    assert _grant(env, "employer")["grant"]["events"] == [
        "SUSPENDED", "REVOKED", "CANCELLED", "EXPIRED", "RESTORED"
    ]  # fmt: skip
    insurer_secret = _setup(env, receiver.url, "insurer")
    _grant(env, "insurer", events=["EXPIRING", "POINTS_THRESHOLD_REACHED"])
    until = env.clock.now().date() + dt.timedelta(days=60)
    _set_licence(env, "zhang_licence", valid_until=until, points=12)  # status stays NORMAL
    _run(env, "monitoring_scan")
    _run(env, "webhook_deliver")
    assert len(receiver.received) == 3
    [employer] = receiver.signed_with(employer_secret)
    assert employer["data"]["event"] == "SUSPENDED" and employer["data"]["status"] == "SUSPENDED"
    assert "validUntil" not in employer["data"] and "pointsBelow12" not in employer["data"]
    by_event = {b["data"]["event"]: b["data"] for b in receiver.signed_with(insurer_secret)}
    assert set(by_event) == {"POINTS_THRESHOLD_REACHED", "EXPIRING"}  # not ordered
    assert by_event["EXPIRING"]["validUntil"] == until.isoformat()
    assert by_event["POINTS_THRESHOLD_REACHED"]["pointsBelow12"] is False
    assert by_event["EXPIRING"]["status"] == "SUSPENDED"


@pytest.mark.parametrize(
    ("who", "change", "code", "field"),
    [
        ("zhang_account", {"days": 366}, "MONITORING_PERIOD_TOO_LONG", "days"),
        ("zhang_account", {"days": 0}, "INVALID_INPUT", "days"),
        ("zhang_account", {"partner": "bank"}, "MONITORING_NOT_REGISTERED", "partnerId"),
        ("zhang_account", {"purpose": " "}, "INVALID_INPUT", "purpose"),
        ("zhang_account", {"purpose": "x" * 101}, "TOO_LONG", "purpose"),
        ("zhang_account", {"partnerReference": "a\u202eb"}, "INVALID_INPUT", "partnerReference"),
        ("zhang_account", {"licenceId": "li_licence"}, "NOT_FOUND", "licenceId"),
        ("hk_account", {}, "MONITORING_NO_LICENCE", "licenceId"),
    ],
)
def test_refused_grants_say_why_and_change_nothing(core_env, receiver, who, change, code, field):
    env = core_env
    _setup(env, receiver.url)
    partner = change.pop("partner", "insurer")
    if change.get("licenceId") == "li_licence":
        change["licenceId"] = env.refs["li_licence"].id  # somebody else's licence
    answer = _grant(env, partner, who, **change)
    assert answer["grant"] is None
    assert (answer["errors"][0]["code"], answer["errors"][0]["field"]) == (code, field)
    assert env.data(MINE, as_=who)["myMonitoringGrants"]["totalCount"] == 0


def test_roles_duplicates_and_endpoints(core_env, receiver):
    env = core_env
    _setup(env, receiver.url)
    assert _grant(env)["errors"] == []
    assert _grant(env)["errors"][0]["code"] == "MONITORING_GRANT_EXISTS"
    body = env.gql(GRANT, {"in": {"partnerId": "x", "purpose": "p", "days": 1}}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    grant_id = env.data(MINE, as_="zhang_account")["myMonitoringGrants"]["nodes"][0]["id"]
    other = env.data(REVOKE, {"id": grant_id}, as_="li_account")["monitoringGrantRevoke"]
    assert other["errors"] == [{"code": "NOT_FOUND", "field": "grantId"}]  # not yours
    # the partner's endpoint: https only (http to loopback in development); registered partners
    for url in (
        "http://partner.example.com/hook", "ftp://x/y", "https://u:p@x.example/h", "x",
        # addresses inside: metadata, private, link-local, unresolvable
        "https://169.254.169.254/latest", "https://10.0.0.1/x", "https://192.168.1.2/x",
        "https://[fe80::1]/x", "https://[fc00::1]/x", "https://no-such-host.invalid/x",
    ):  # fmt: skip
        answer = env.data(ENDPOINT, {"u": url}, as_=env.refs["insurer"])
        assert answer["monitoringWebhookEndpointSet"]["errors"][0]["code"] == "WEBHOOK_URL_INVALID"
    rental = env.data(ENDPOINT, {"u": receiver.url}, as_=env.refs["rental"])
    assert rental["monitoringWebhookEndpointSet"]["errors"][0]["code"] == (
        "MONITORING_NOT_REGISTERED"
    )
    bank = env.gql(ENDPOINT, {"u": receiver.url}, as_=env.refs["bank"])
    assert bank["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a province admin registers only the partners of their province
    gd = env.data(REGISTER, {"p": env.refs["rental"][0].id, "d": 30}, as_="province_admin_gd")
    assert gd["partnerMonitoringRegister"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    too_long = env.data(REGISTER, {"p": env.refs["rental"][0].id, "d": 2000}, as_="national_admin")
    assert too_long["partnerMonitoringRegister"]["errors"][0]["field"] == "maxDays"
    bank = env.data(REGISTER, {"p": env.refs["bank"][0].id, "d": 30}, as_="national_admin")
    assert bank["partnerMonitoringRegister"]["errors"][0]["code"] == "MONITORING_KIND_NOT_ALLOWED"


def test_production_endpoints_must_be_public_https():
    from core.errors import RuleError
    from core.monitoring.service import require_webhook_url

    assert require_webhook_url("https://93.184.216.34/licence", True)  # a public address
    assert require_webhook_url("http://127.0.0.1:9000/hook", False)  # a developer's receiver
    for url in (
        "http://127.0.0.1:9000/hook", "https://127.0.0.1/hook", "https://[::1]/x",
        "https://localhost/x", "http://93.184.216.34/licence", "https://169.254.169.254/x",
    ):  # fmt: skip
        with pytest.raises(RuleError):
            require_webhook_url(url, True)


def test_a_delivery_is_never_posted_to_an_address_inside(core_env, receiver):
    """The endpoint's host is checked again at each attempt: a loopback receiver, fine while
    developing, is refused once the platform runs in production (as a name that moved inside)."""
    from core.monitoring.webhooks import deliver_webhooks

    env = core_env
    _setup(env, receiver.url)
    _grant(env)
    _set_licence(env, "zhang_licence", status="SEIZED")
    _run(env, "monitoring_scan")
    report = deliver_webhooks(
        env.platform.engine, env.platform.adapter("webhook_transport"), env.clock.now(),
        production=True,
    )  # fmt: skip
    assert (report.sent, report.failed) == (0, 1) and receiver.received == []
    [message] = _webhooks(env)
    assert message.last_error == "endpoint address not allowed" and message.status == "PENDING"


@pytest.mark.parametrize(
    ("status", "points", "days_left", "condition", "full", "expiring"),
    [
        ("NORMAL", 0, 400, Condition.VALID, False, False),
        ("NORMAL", 12, 400, Condition.SUSPENDED, True, False),  # 12 points suspend at once
        ("NORMAL", 0, 90, Condition.VALID, False, True),
        ("NORMAL", 0, 91, Condition.VALID, False, False),
        ("NORMAL", 0, -1, Condition.EXPIRED, False, False),
        ("SEIZED", 3, 400, Condition.SUSPENDED, False, False),
        ("POINTS_EXCEEDED", 12, 400, Condition.SUSPENDED, True, False),
        ("REVOKED", 0, -10, Condition.REVOKED, False, False),
        ("CANCELLED_RESTORABLE", 0, 10, Condition.CANCELLED, False, False),
        ("SOMETHING_NEW", 0, 400, Condition.SUSPENDED, False, False),
    ],
)
def test_licence_state(status, points, days_left, condition, full, expiring):
    today = dt.date(2024, 9, 2)
    state = rules.licence_state(status, points, today + dt.timedelta(days=days_left), today)
    assert state == LicenceState(condition, full, expiring)
    assert LicenceState.from_stored(json.loads(json.dumps(state.stored()))) == state


def test_events_between():
    valid = LicenceState(Condition.VALID, False, False)
    assert rules.events_between(valid, valid) == []
    assert rules.events_between(valid, LicenceState(Condition.SUSPENDED, True, True)) == [
        MonitoringEvent.SUSPENDED,
        MonitoringEvent.POINTS_THRESHOLD_REACHED,
        MonitoringEvent.EXPIRING,
    ]
    assert rules.events_between(LicenceState(Condition.EXPIRED, False, False), valid) == [
        MonitoringEvent.RESTORED
    ]
    assert rules.events_between(LicenceState(Condition.VALID, True, True), valid) == []


def test_the_partner_guide_examples_run(core_env, receiver):
    """docs/partners.md section 8: its three examples, as a partner and a driver would run them."""
    from tests.test_partner_docs import BLOCKS

    env = core_env
    org = env.refs["insurer"][0]
    env.data(REGISTER, {"p": org.id, "d": 365}, as_="national_admin")
    endpoint_doc = BLOCKS["monitoring-endpoint"][1]
    shipped = ROOT / "core/graphql/trusted_documents/MonitoringWebhookEndpointSet.graphql"
    assert endpoint_doc.strip() == shipped.read_text().strip()  # the doc shows the shipped text
    secret = env.data(endpoint_doc, {"url": receiver.url}, as_=env.refs["insurer"])[
        "monitoringWebhookEndpointSet"
    ]
    variables = {"in": {"partnerId": org.id, "purpose": "车险续保核验", "days": 365,
                        "partnerReference": "POL-2024-001"}}  # fmt: skip
    made = env.data(BLOCKS["monitoring-grant"][1], variables, as_="zhang_account")
    assert made["monitoringGrantCreate"]["grant"]["status"] == "ACTIVE"
    _set_licence(env, "zhang_licence", status="SEIZED")
    _run(env, "monitoring_scan")
    _run(env, "webhook_deliver")
    namespace: dict = {}
    exec(BLOCKS["webhook-verify"][1], namespace)  # noqa: S102 - the documented example
    headers, body = receiver.received[0]
    event = namespace["receive"](body, headers, secret["secret"])
    assert event["type"] == "licence.suspended"
    assert event["data"]["partnerReference"] == "POL-2024-001"
