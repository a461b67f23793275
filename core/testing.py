"""Test support: a platform per plugin set, a clean database per test, a GraphQL client.

Tests call the API as clients do: `env.gql(query, variables, as_=account)` posts to /graphql
with a bearer token for that account (or partner client) and returns the JSON answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from starlette.testclient import TestClient

from core.accounts import Account, PartnerClient, PartnerOrg
from core.actor import ANONYMOUS
from core.api.mutations import issue_partner_token, issue_user_token
from core.clock import CHINA_TZ, Clock
from core.context import Context
from core.demo import DemoWorld, build_core_demo
from core.http import create_app
from core.platform import Platform, build_platform
from core.rollout import RolloutRule, seed_defaults
from core.settings import Settings


class StatementCounter:
    """The SQL statements an engine ran while a `count_statements()` block was open.

    `statements` holds each statement's text, in order (what the DBAPI cursor executed, so an
    `executemany` counts once); `count` is their number."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return len(self.statements)

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        with self._lock:  # requests may run on the test client's portal thread
            self.statements.append(" ".join(statement.split()))

    def report(self) -> str:
        """The statements, one a line (for assertion messages)."""
        return "\n".join(f"{i + 1:3d}. {s[:160]}" for i, s in enumerate(self.statements))


@contextlib.contextmanager
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    """Count the SQL statements `engine` runs inside the block (a SQLAlchemy
    `before_cursor_execute` listener, removed when the block ends). Statements of any thread are
    counted: keep background jobs off the engine while counting."""
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter._record)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter._record)


def reset_database(engine: Engine) -> None:
    """Empty every table (the audit table included: test databases only)."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class Env:
    """One test's world: platform, HTTP client, clock and the core demo records (`refs`)."""

    def __init__(self, platform: Platform, world: DemoWorld) -> None:
        self.platform = platform
        self.clock = platform.clock
        self.world = world
        self.refs = world.refs
        self.http = TestClient(create_app(platform), raise_server_exceptions=False)

    # --- identities ------------------------------------------------------------------------------
    def token(self, who: Any) -> str | None:
        if who is None:
            return None
        if isinstance(who, str):
            who = self.refs.get(who, who)
            if isinstance(who, str):
                return who  # a raw token
        ctx = Context(self.platform, ANONYMOUS)
        if isinstance(who, Account):
            return issue_user_token(ctx, who)[0]
        if isinstance(who, tuple) and len(who) == 2 and isinstance(who[1], PartnerClient):
            org, client = who
            assert isinstance(org, PartnerOrg)
            return issue_partner_token(ctx, client, org)[0]
        raise TypeError(f"cannot make a token for {who!r}")

    # --- calls -----------------------------------------------------------------------------------
    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        as_: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        hdrs = dict(headers or {})
        token = self.token(as_)
        if token:
            hdrs["authorization"] = f"Bearer {token}"
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=hdrs
        )

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, as_: Any = None
    ) -> dict[str, Any]:
        """POST a GraphQL document; the answer's JSON (status must be 200)."""
        response = self.post(query, variables, as_)
        assert response.status_code == 200, response.text
        return response.json()

    def data(
        self, query: str, variables: dict[str, Any] | None = None, as_: Any = None
    ) -> dict[str, Any]:
        """Like gql, but the answer must have no top-level errors; returns `data`."""
        body = self.gql(query, variables, as_)
        assert not body.get("errors"), body
        return body["data"]

    def count_statements(self) -> contextlib.AbstractContextManager[StatementCounter]:
        """`with env.count_statements() as counter: env.data(...)`: the SQL statements the
        platform's engine ran inside the block (`counter.count`, `counter.statements`)."""
        return count_statements(self.platform.engine)

    # --- state -----------------------------------------------------------------------------------
    def session(self) -> Session:
        return Session(self.platform.engine, expire_on_commit=False)

    def set_rollout(
        self,
        measure: str,
        city: str,
        enabled: bool = True,
        valid_from: dt.date = dt.date(2000, 1, 1),
        valid_until: dt.date | None = None,
        phase: str = "TEST",
    ) -> None:
        """Add a city-level rollout rule directly (tests that are not about rollout itself)."""
        from core.divisions import CITIES

        with self.session() as s:
            s.add(
                RolloutRule(
                    measure=measure,
                    province_code=CITIES[city].province_code,
                    city_code=city,
                    enabled=enabled,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    source="ADMIN",
                    phase=phase,
                )
            )
            s.commit()
        self.platform.rollout.reload()

    def factory(self, session: Session):  # noqa: ANN201
        from core.factory import Factory

        return Factory(session, self.clock.now(), counter=self.world.factory.counter + 1000)


class PlatformPool:
    """Platforms cached per plugin set for the whole test session (schema composition is costly)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._platforms: dict[tuple[str, ...], Platform] = {}

    def get(self, plugins: Iterable[str], extra: Iterable[Any] = ()) -> Platform:
        extra = tuple(extra)
        key = tuple(sorted(plugins)) + tuple(getattr(m, "__name__", repr(m)) for m in extra)
        if key not in self._platforms:
            self._platforms[key] = build_platform(
                self.settings,
                clock=Clock(),
                engine=self.engine,
                plugins=sorted(plugins),
                extra_plugins=extra,
            )
        return self._platforms[key]

    def fresh_env(
        self, plugins: Iterable[str], now: dt.datetime | dt.date | str, extra: Iterable[Any] = ()
    ) -> Env:
        platform = self.get(plugins, extra)
        reset_database(self.engine)
        platform.clock.set(now)
        platform.limiter.reset()
        platform.tokens._cache.clear()
        with Session(self.engine) as session:
            seed_defaults(session, platform.rollout_defaults)
            session.commit()
        platform.keys.ensure(platform.clock.now())
        platform.rollout.reload()
        platform.settings_store.reload()
        for adapter in platform.adapters.values():
            if hasattr(adapter, "down"):
                adapter.down = False
        with Session(self.engine, expire_on_commit=False) as session:
            world = build_core_demo(session, platform.clock.now())
            session.commit()
        return Env(platform, world)


def at(day: str, hour: int = 9) -> dt.datetime:
    """A Beijing instant on `day` (YYYY-MM-DD) at `hour`:00."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CHINA_TZ)


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


def full_width(text: str) -> str:
    """`text` as an input method in full-width mode types it (`苏A12345` → `苏Ａ１２３４５`): every
    printable ASCII character as its full-width form (U+FF01-U+FF5E, space as U+3000)."""
    return text.translate(_FULL_WIDTH)
