"""Notifications (SMS / app messages) through an outbox.

A rule that notifies calls `Context.notify` (core/notices.py: the declared template, rendered) or
`enqueue` inside its own transaction: the message exists exactly when the business change does. `deliver` hands pending messages to the sender adapter; a failure leaves the
message pending with a later retry time, so nothing is lost while the sender is down (delivery is
at least once; each message carries its id as the idempotency key for the gateway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from core.db import begin_write, json_field, stamp, write_session
from core.ids import new_id
from core.notices import Addressee, NoticeChannel, NoticeTemplate, UndeclaredNotice


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    channel: str = Field(default="APP", max_length=8)  # SMS | APP | WEBHOOK
    # the addressee (core.notices.Addressee): a person, a staff account, a partner organisation, a
    # unit, or (SMS only) a phone number not tied to a person yet
    person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    account_id: str | None = Field(default=None, max_length=16, index=True)
    partner_org_id: str | None = Field(default=None, max_length=16, index=True)
    unit_id: str | None = Field(default=None, max_length=16, index=True)
    phone: str | None = Field(default=None, max_length=20)
    template: str = Field(max_length=80)
    params: dict = json_field({})
    text: str | None = Field(default=None, max_length=1000)  # rendered from the declared template
    measure: str | None = Field(default=None, max_length=40)
    # PENDING | SENT; webhooks also CANCELLED (their grant ended) | FAILED (given up after 3 days)
    status: str = Field(default="PENDING", max_length=12, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None = None


class SentMessage(SQLModel, table=True):
    """What the built-in sender "sent": the table a real SMS gateway adapter replaces."""

    __tablename__ = "sent_messages"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=16, index=True)
    person_id: str | None = Field(default=None, max_length=16)
    phone: str | None = Field(default=None, max_length=20)
    channel: str = Field(max_length=8)
    text: str = Field(max_length=1000)
    sent_at: dt.datetime


class Sender(Protocol):
    """The notification sender adapter. Raise to signal a failure; the message is retried."""

    def send(self, session: Session, message: OutboxMessage, now: dt.datetime) -> None: ...


class TableSender:
    """Built-in sender: records the message in `sent_messages` (offline stand-in for a gateway)."""

    def __init__(self) -> None:
        self.down = False  # tests flip this to simulate an outage

    def send(self, session: Session, message: OutboxMessage, now: dt.datetime) -> None:
        if self.down:
            raise ConnectionError("sender unavailable")
        session.add(
            SentMessage(
                message_id=message.id,
                person_id=message.person_id,
                phone=message.phone,
                channel=message.channel,
                text=(message.text or f"{message.template} {message.params}")[:1000],
                sent_at=stamp(now),
            )
        )


def enqueue(
    session: Session,
    now: dt.datetime,
    person_id: str | None,
    template: str,
    params: dict[str, Any] | None = None,
    channel: str = "APP",
    measure: str | None = None,
    phone: str | None = None,
    *,
    to: Addressee | None = None,
    text: str | None = None,
) -> OutboxMessage:
    """Queue a message to `to` (or to `person_id`, or by SMS to `phone`), with its rendered
    `text` (core/notices.py). Raises ValueError when there is no addressee, or a phone number
    outside an SMS."""
    if to is None:
        to = (
            Addressee(phone=phone)
            if person_id is None and phone
            else Addressee(person_id=person_id)
        )
    if to.phone is not None and channel != "SMS":
        raise ValueError("a message to a bare phone number goes by SMS")
    message = OutboxMessage(
        person_id=to.person_id,
        account_id=to.account_id,
        partner_org_id=to.partner_org_id,
        unit_id=to.unit_id,
        phone=to.phone,
        template=template,
        params=params or {},
        text=text[:1000] if text else None,
        channel=channel,
        measure=measure,
        created_at=stamp(now),
        next_attempt_at=stamp(now),
    )
    session.add(message)
    return message


def notify(
    session: Session,
    now: dt.datetime,
    templates: Mapping[str, NoticeTemplate],
    to: str | Addressee,
    template: str,
    params: dict[str, Any] | None = None,
    channel: str | None = None,
) -> OutboxMessage:
    """Queue the declared notice `template` (one of `templates`: `platform.notices`) to `to` (an
    Addressee, or a person id), its text rendered now, on its declared channel unless `channel`
    says otherwise. Raises UndeclaredNotice for an undeclared template or a missing parameter."""
    spec = templates.get(template)
    if spec is None:
        raise UndeclaredNotice(f"notice {template!r} is not declared by any measure")
    params = dict(params or {})
    addressee = to if isinstance(to, Addressee) else Addressee(person_id=to)
    return enqueue(
        session,
        now,
        None,
        template,
        params,
        channel or spec.channel,
        spec.measure,
        to=addressee,
        text=spec.render(params),
    )


@dataclass(frozen=True)
class JobNotifier:
    """A scheduled job's stand-in for the request context where notices are sent: `now()` and
    `notify(session, to, template, params)` as `Context` has them, so that a job can take a
    declared workflow step (`core.workflow.move`) whose notice goes out through the outbox,
    stamped with the job's time. `templates`: `platform.notices`."""

    templates: Mapping[str, NoticeTemplate]
    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at

    def notify(
        self,
        session: Session,
        to: str | Addressee,
        template: str,
        params: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> None:
        notify(session, self.at, self.templates, to, template, params, channel)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


# channels delivered by their own job, not by the notification sender (core/monitoring/webhooks.py)
OWN_DELIVERY_CHANNELS = (NoticeChannel.WEBHOOK.value,)


def deliver(engine: Engine, sender: Sender, now: dt.datetime, batch: int = 500) -> DeliveryReport:
    """Send due messages (SMS / app) one by one; each success commits on its own."""
    report = DeliveryReport()
    with Session(engine) as session:
        due = session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == "PENDING",
                OutboxMessage.next_attempt_at <= stamp(now),
                OutboxMessage.channel.not_in(OWN_DELIVERY_CHANNELS),  # type: ignore[attr-defined]
            )
            .order_by(OutboxMessage.created_at)
            .limit(batch)
        ).all()
        ids = [m.id for m in due]
    for message_id in ids:
        with write_session(engine) as session:
            message = session.get(OutboxMessage, message_id)
            if message is None or message.status != "PENDING":
                continue
            try:
                sender.send(session, message, now)
                message.status = "SENT"
                message.sent_at = stamp(now)
                report.sent += 1
            except Exception as exc:  # noqa: BLE001 - any sender failure means "retry later"
                session.rollback()
                begin_write(session)
                message = session.get(OutboxMessage, message_id)
                assert message is not None
                report.failed += 1
                message.last_error = type(exc).__name__
                message.next_attempt_at = stamp(
                    now + dt.timedelta(minutes=min(60, 2 ** min(message.attempts, 6)))
                )
            message.attempts += 1
            session.add(message)
            session.commit()
    return report
