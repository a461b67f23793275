"""Test support that reads or writes the database directly, around the API.

Tests use these to prove what a call wrote (or that a refusal wrote nothing) and to set up what
an operator or a data migration would have stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, func, select

from core.accounts import Account, Role
from core.audit import AuditEvent
from core.db import stamp
from core.demo import DemoWorld
from core.outbox import OutboxMessage
from core.rollout import MeasureSetting
from core.testing import Env


def row_count(env: Env, model: Any) -> int:
    """How many rows of the table `model` the database holds."""
    with env.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def outbox_messages(env: Env, template: str) -> list[OutboxMessage]:
    """The notices queued in the outbox with `template` (e.g. "mortgage_check.filed")."""
    with env.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.template == template)).all())


def write_setting(env: Env, measure: str, scope_code: str, key: str, value: Any) -> None:
    """Store a measure setting row for a province or city directly (not through
    `measureSettingSet`, so unchecked), then reload the platform's settings store."""
    with env.session() as s:
        s.add(
            MeasureSetting(
                measure=measure,
                scope_code=scope_code,
                key=key,
                value={"value": value},
                updated_at=stamp(env.clock.now()),
            )
        )
        s.commit()
    env.platform.settings_store.reload()


def load_demo(env: Env, load: Callable[[Session, DemoWorld], Any]) -> DemoWorld:
    """Run a measure's demo loader (its `demo.load(session, world)`) on this env's core demo
    world and commit. Returns that world: its refs are the core's plus the measure's (`env.refs`
    itself is left as it was)."""
    with env.session() as s:
        world = DemoWorld(env.factory(s), dict(env.refs))
        load(s, world)
        s.commit()
    return world


def audit_events(env: Env, action: str) -> list[AuditEvent]:
    """The audit events recorded with `action` (e.g. "insurance_check.run"), oldest first."""
    with env.session() as s:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        return list(s.exec(query).all())


def update_row(env: Env, model: Any, row_id: Any, **values: Any) -> None:
    """Set columns of one stored row directly and commit: a change made outside the measure
    under test (a licence seized, a vehicle mortgaged, a member removed)."""
    with env.session() as s:
        row = s.get(model, row_id)
        assert row is not None, (model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)
        s.commit()


def add_staff(env: Env, login: str, roles: list[Role], city: str | None, **extra: Any) -> Account:
    """A staff account with `roles` in `city` (committed; `extra` as `Factory.staff` takes).

    Each call takes a fresh `env.factory`, whose counter (and so the staff member's ID number)
    starts from the same value: make several staff of one city in one session instead."""
    with env.session() as s:
        account = env.factory(s).staff(login, roles, city, **extra)
        s.commit()
    return account
