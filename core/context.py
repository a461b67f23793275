"""Per-request state: the caller, the clock, the database session, loaders and the audit sink.

Operations receive it as `info.context`. Its helpers are how a plugin asks the core questions:
may this caller do this (`check`)? is the measure in force for this city today
(`require_in_force`)? is this file in the clerk's jurisdiction (`require_jurisdiction`)? and how a
plugin writes (`mutate`: one transaction, audited, refusals typed and rolled back).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from graphql import OperationType
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from core import outbox
from core.accounts import Role
from core.actor import Actor
from core.audit import EventDraft, insert_event
from core.db import begin_write, is_sqlite_busy, is_unique_violation
from core.direct_select import DirectSelect
from core.divisions import city as lookup_city
from core.errors import RULE_CONCURRENT_WRITES, Code, Forbidden, NotAuthenticated, RuleError
from core.notices import Addressee
from core.rollout import Decision

if TYPE_CHECKING:
    from core.group_commit import GroupCommitter
    from core.idempotency import KeyedWrites
    from core.platform import Platform

log = logging.getLogger("traffic.context")
# fetch_one's statements (built once at import time; a Core statement hashes by identity), each
# with its driver plan (core/direct_select.py)
_DIRECT: dict[Any, DirectSelect] = {}
_DIRECT_MAX = 512
P = TypeVar("P")
T = TypeVar("T")


class RolloutExemption(enum.StrEnum):
    """Why an operation is not refused when its measure is switched off (docs/plugins.md, rule 2).

    The rollout gates NEW business only; switching a measure off never strands a case already
    open ("严禁…导致群众来回跑", "及时解决"; disabling never deletes data, docs/architecture.md):
    - WAY_OUT: a way out of a case already open (withdraw, cancel, close, reject with a reason,
      lift, an appeal's decision, a step on an existing office ticket);
    - OWN_RECORDS: reading one's own records (or, for staff, the cases they must still settle).
    Declared on the operation (`@mutation(..., way_out=True)`, `@operation_field(...,
    own_records=True)`, core/graphql/operations.py), never decided inside a resolver."""

    WAY_OUT = "WAY_OUT"
    OWN_RECORDS = "OWN_RECORDS"


_EXEMPTION: contextvars.ContextVar[RolloutExemption | None] = contextvars.ContextVar(
    "rollout_exemption", default=None
)


@contextmanager
def rollout_exemption(kind: RolloutExemption | None) -> Iterator[None]:
    """Run the block as an operation declared `kind` (None: gated as usual). Set by the
    operation's field extension around its resolver only."""
    token = _EXEMPTION.set(kind)
    try:
        yield
    finally:
        _EXEMPTION.reset(token)


class WriteScope:
    """What a mutation's work function receives: the session, a way to name the subject, and a
    way to stage hot-path inserts.

    - `subject(person_id, ref, **detail)` names whose data the write touches (the audit event).
    - `insert(statement, params)` stages a prebuilt Core INSERT, run just before the commit, after
      the work's CPU-bound part: receipts, logs and other append-only rows.
    - `audit_draft()` fixes the audit event now (its id, time and leaf hash), e.g. so that a signed
      receipt can name the entry it will be logged under; the subject can no longer change.
    - `after_commit.append(callback)`: run once the write has committed (a refusal runs none).
    """

    def __init__(
        self, ctx: Context, action: str, measure: str | None, immediate: bool = False
    ) -> None:
        self.ctx = ctx
        self._session: Session | None = None
        self._immediate = immediate
        self._baseline: int | None = None
        self.action = action
        self.measure = measure
        self.subject_person_id: str | None = None
        self.subject_ref: str | None = None
        self.detail: dict[str, Any] = {}
        self.staged: list[tuple[Any, Any]] = []
        self.after_commit: list[Callable[[], Any]] = []  # run once the write has committed
        self._draft: EventDraft | None = None
        # the audit outcome when `work` returns: "OK", or "REFUSED:<reason>" for a refusal whose
        # writes must still be kept (a counted failed attempt, a notice sent out of band)
        self.outcome = "OK"

    @property
    def session(self) -> Session:
        """The ORM session of this write, opened on first use: a work that never needs it (it reads
        with `ctx.fetch_one` and stages inserts) commits through the request's Core connection in
        one short transaction."""
        if self._session is None:
            self._session = self.ctx._write_session(immediate=self._immediate)
            self._baseline = self.ctx._changes(self._session)
        return self._session

    def subject(self, person_id: str | None = None, ref: str | None = None, **detail: Any) -> None:
        """Name whose data this write touches (for the audit event). Never pass raw ID numbers."""
        if self._draft is not None:
            raise RuntimeError("the audit event was already drafted; name the subject before")
        if person_id is not None:
            self.subject_person_id = person_id
        if ref is not None:
            self.subject_ref = ref
        self.detail.update(detail)

    def insert(self, statement: Any, params: Any) -> None:
        """Stage a Core INSERT (built once at import time) to run right before the commit."""
        self.staged.append((statement, params))

    def audit_draft(self) -> EventDraft:
        """The audit event this write will commit with (`outcome`, "OK" by default), fixed from
        now on."""
        if self._draft is None:
            self._draft = self.ctx.draft_event(
                self.action, self.subject_person_id, self.subject_ref, self.outcome, self.detail,
                self.measure,
            )  # fmt: skip
        return self._draft

    @property
    def now(self) -> dt.datetime:
        return self.ctx.now()

    @property
    def today(self) -> dt.date:
        return self.ctx.today()


class Context:
    def __init__(
        self,
        platform: Platform,
        actor: Actor,
        request_id: str = "-",
        request: Any = None,
        conn: Connection | None = None,
    ) -> None:
        self.platform = platform
        self.actor = actor
        self.request_id = request_id
        self.request = request
        self._session: Session | None = None  # the ORM session, opened on first use
        self._conn: Connection | None = conn  # the request's Core connection (HTTP layer's)
        self._owns_conn = conn is None
        self._loaders: dict[str, DataLoader[Any, Any]] = {}
        self._cached: dict[Hashable, Any] = {}
        self._now: dt.datetime | None = None
        self.commits = 0  # transactions this request committed (refusal audits not counted)
        # set by the HTTP layer: insert-only mutations then commit with the other requests of the
        # event loop's turn (core/group_commit.py); None: each commits alone, synchronously
        self.committer: GroupCommitter | None = None
        # set by the HTTP layer for a request under an Idempotency-Key: every transaction counted
        # in `commits` also marks the key COMMITTED, in that transaction (core/idempotency.py)
        self.keyed: KeyedWrites | None = None

    @property
    def client_address(self) -> str:
        """The caller's IP address: the direct peer, or the address a trusted proxy reported in
        X-Forwarded-For (TRUSTED_PROXIES; core/http.py). "-" outside an HTTP request."""
        client = getattr(self.request, "client", None)
        return getattr(client, "host", None) or "-"

    # --- time ------------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        """The platform clock, read once per request so every rule of one request sees one instant."""
        if self._now is None:
            self._now = self.platform.clock.now()
        return self._now

    def today(self) -> dt.date:
        return self.now().date()

    # --- database --------------------------------------------------------------------------------
    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.platform.engine, expire_on_commit=False)
        return self._session

    def fetch_one(self, statement: Any, **params: Any) -> Any:
        """Run one SQLAlchemy Core SELECT and return its first row (or None), without the ORM.

        For hot read paths (verification, status look-ups): the ORM's identity map and object
        loading cost about a third of the request there (PERFORMANCE.md); a Core row does not.
        Build the statement once at import time with `bindparam`s and pass their values here:
        it is then sent straight to the driver (core/direct_select.py), and the row is a named
        tuple (`row.status`, `row[0]`).
        """
        if self._session is not None:  # see what this request's session wrote
            return self._session.execute(statement, params).first()
        direct = _DIRECT.get(statement)
        if direct is None:
            if len(_DIRECT) >= _DIRECT_MAX:  # statements built per call: not worth a plan each
                return self.conn.execute(statement, params).first()
            direct = _DIRECT[statement] = DirectSelect(statement)
        return direct.first(self.conn, **params)

    @property
    def conn(self) -> Connection:
        """The request's Core connection (checked out once: the account-status check, hot reads
        and the commits of insert-only writes share it)."""
        if self._conn is None:
            self._conn = self.platform.engine.connect()
        return self._conn

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._conn is not None:
            if self._owns_conn:
                self._conn.close()
            elif self._conn.in_transaction():
                self._conn.rollback()  # end this operation's read transaction (nothing to keep)
            self._conn = None

    # --- permission ------------------------------------------------------------------------------
    def permits(self, action: str) -> bool:
        return self.platform.permissions.permits(action, self.actor.roles)

    def check(self, action: str, info: Any = None) -> None:
        """Refuse (UNAUTHENTICATED / FORBIDDEN) unless the rules allow the caller's roles `action`."""
        if self.permits(action):
            return
        if not self.actor.authenticated:
            error: RuleError = NotAuthenticated()
        else:
            error = Forbidden(f"Your role may not perform {action}.", rule=f"permission:{action}")
        if info is not None and info.operation.operation == OperationType.MUTATION:
            self._audit_refusal(action, None, None, error, measure=action.split(".")[0])
        raise error

    def require_scope(self, scope: str, rule: str) -> None:
        """For a partner caller: FORBIDDEN naming `rule` unless its credential carries `scope`
        (its registration's scopes when the token was issued, docs/partners.md). Staff and
        citizens pass: the permission table decides for them."""
        if self.actor.is_partner and scope not in self.actor.scopes:
            raise Forbidden(f"Your credential lacks the scope {scope}.", rule=rule)

    def require_person(self) -> str:
        """The caller's person id (citizens and staff with a person record), or UNAUTHENTICATED."""
        if self.actor.person_id is None:
            if not self.actor.authenticated:
                raise NotAuthenticated()
            raise Forbidden("This operation needs a personal account.")
        return self.actor.person_id

    def has_role(self, *roles: Role) -> bool:
        return bool(self.actor.roles.intersection(roles))

    # --- jurisdiction ----------------------------------------------------------------------------
    def in_jurisdiction(self, city_code: str) -> bool:
        actor = self.actor
        if not actor.is_staff:
            return False
        if Role.NATIONAL_ADMIN in actor.roles:
            return True
        target = lookup_city(city_code)
        if actor.city_code:
            return actor.city_code == target.code
        return actor.province_code == target.province_code

    def require_jurisdiction(
        self, city_code: str, rule: str | None = None, field: str | None = None
    ) -> None:
        """Refuse OUT_OF_JURISDICTION unless the staff caller's jurisdiction covers `city_code`."""
        if not self.in_jurisdiction(city_code):
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                f"City {city_code} is outside your jurisdiction.",
                field=field,
                rule=rule or "core: jurisdiction",
                city=city_code,
            )

    # --- rollout ---------------------------------------------------------------------------------
    def decision(
        self, measure: str, city_code: str, day: dt.date | None = None, field: str = "city"
    ) -> Decision:
        return self.platform.rollout.decide(
            measure, lookup_city(city_code, field), day or self.today()
        )

    @property
    def rollout_exemption(self) -> RolloutExemption | None:
        """The operation's declared exemption from the rollout gate (None: a new business)."""
        return _EXEMPTION.get()

    def gate_passes(self, measure: str, city_code: str, day: dt.date | None = None) -> bool:
        """Whether `require_in_force` would let this operation through for `city_code`: the
        measure is in force there, or the operation is declared a way out / a read of one's own
        records. For lists that keep only some cities' rows (e.g. one's own cases everywhere)."""
        return _EXEMPTION.get() is not None or self.decision(measure, city_code, day).in_force

    def require_in_force(
        self,
        measure: str,
        city_code: str,
        day: dt.date | None = None,
        field: str = "city",
        *,
        new_business: bool = False,
    ) -> Decision:
        """Refuse FEATURE_NOT_ENABLED (with measure, city and date) unless the measure is in force.

        The rollout gates new business only: inside an operation declared a way out of an open
        case or a read of one's own records (`RolloutExemption`), a measure switched off does
        not refuse (the city is still checked, and the decision is returned). `new_business=True`
        gates what such an operation would start anew (e.g. an approval in a decide operation
        whose rejection is a way out): it refuses whatever the operation's declaration."""
        decision = self.decision(measure, city_code, day, field)
        if not decision.in_force and (new_business or _EXEMPTION.get() is None):
            info = self.platform.measures.get(measure)
            label = f"{info.code} {info.title}" if info else measure
            raise RuleError(
                Code.FEATURE_NOT_ENABLED,
                f"{label} is not in force in city {city_code} on {decision.day.isoformat()}.",
                field=field,
                rule="core: rollout",
                measure=measure,
                city=city_code,
                date=decision.day,
            )
        return decision

    # --- configuration and adapters --------------------------------------------------------------
    def setting(self, measure: str, key: str, city_code: str | None) -> Any:
        """The setting's value for the city the operation concerns (or a province code; None only
        for a NATIONAL setting): city, else province, else nationwide, else the default. Always a
        value its declaration allows (core/settings_store.py)."""
        return self.platform.settings_store.get(measure, key, city_code)

    def adapter(self, name: str) -> Any:
        return self.platform.adapter(name)

    # --- loaders (per request, so nothing leaks between callers) ----------------------------------
    def loader(
        self, key: str, batch: Callable[[Sequence[Any]], Sequence[Any]]
    ) -> DataLoader[Any, Any]:
        """A DataLoader for this request; `batch(keys)` returns values in key order (sync)."""
        found = self._loaders.get(key)
        if found is None:

            async def load(keys: list[Any]) -> Sequence[Any]:
                return batch(keys)

            found = DataLoader(load_fn=load)
            self._loaders[key] = found
        return found

    def cached(self, key: Hashable, read: Callable[[], T]) -> T:
        """`read()` once per request: later calls with the same `key` get the same value.

        For what several fields of one document read alike, e.g. the caller's own licences
        (core/registries/caller.py): a home screen asks for them in four places. The value lives
        as long as this request; cache immutable values (Core rows, tuples), never ORM objects a
        mutation could change. Key by what the value depends on (e.g. the person id)."""
        try:
            return self._cached[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._cached[key] = read()
            return value

    # --- writes ----------------------------------------------------------------------------------
    WRITE_ATTEMPTS = 3

    def mutate(
        self,
        action: str,
        payload: type[P],
        work: Callable[[WriteScope], P],
        measure: str | None = None,
        grouped: bool = False,
    ) -> P | Awaitable[P]:
        """Run `work` in one transaction with its audit event; a RuleError rolls everything back
        and returns `payload(errors=[...])`, also audited (outcome REFUSED:<code>). A refusal
        that must keep its writes returns normally after setting `scope.outcome`.

        The write lock is taken as late as possible: on SQLite the transaction begins DEFERRED, so
        the work's reads and CPU work (signatures, rules) hold no lock; a work that only staged
        inserts (`scope.insert`) writes them in a short IMMEDIATE transaction after its reads. A
        writer whose read snapshot went stale meanwhile (SQLITE_BUSY_SNAPSHOT) runs again, the
        last attempt holding the lock from the start. On PostgreSQL nothing here takes a lock
        that an unrelated request needs. A work whose check-then-insert lost a race to another
        request (a unique key taken meanwhile) runs again too, and so answers with its rule's own
        refusal (e.g. ALREADY_EXISTS); if it still collides on the last attempt, it is refused as
        CONFLICT ("try again"), never an internal error.

        `grouped=True` (the mutation frame, under the HTTP layer's `committer`): a work that only
        staged inserts returns an awaitable instead, which resolves to the result once its rows
        and audit event are committed with the other requests of this turn of the event loop
        (core/group_commit.py)."""
        measure = measure or action.split(".")[0]
        for attempt in range(1, self.WRITE_ATTEMPTS + 1):
            scope = WriteScope(self, action, measure, immediate=attempt == self.WRITE_ATTEMPTS)
            try:
                result = work(scope)
                if scope._session is None:
                    if grouped and self.committer is not None:
                        return self._commit_grouped(scope, result)
                    self._commit_inserts(scope)
                else:
                    self._commit(scope._session, scope, scope._baseline)
                self._committed(scope.audit_draft())
                for callback in scope.after_commit:  # e.g. reload a cache the write changed
                    callback()
                return result
            except RuleError as error:
                self._rollback(scope)
                return self._refused(action, measure, payload, scope, error)
            except OperationalError as exc:
                self._rollback(scope)
                if attempt < self.WRITE_ATTEMPTS and is_sqlite_busy(exc):
                    continue
                raise
            except IntegrityError as exc:
                self._rollback(scope)
                if not is_unique_violation(exc):
                    raise
                if attempt < self.WRITE_ATTEMPTS:
                    continue  # its check-then-insert lost a race: run again, seeing the other row
                conflict = RuleError(
                    Code.CONFLICT,
                    "Another request wrote the same record at the same time; try again.",
                    rule=RULE_CONCURRENT_WRITES,
                )
                return self._refused(action, measure, payload, scope, conflict)
            except Exception:
                self._rollback(scope)
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _refused(
        self, action: str, measure: str, payload: type[P], scope: WriteScope, error: RuleError
    ) -> P:
        """The payload of a refused mutation (rolled back), its refusal audited."""
        if error.measure is None and measure in self.platform.measures:
            error.measure = measure  # a core code refusing inside this measure's operation
        self._audit_refusal(
            action, scope.subject_person_id, scope.subject_ref, error, measure=measure
        )
        from core.graphql.types import UserError

        return payload(errors=[UserError.of(error)])  # type: ignore[call-arg]

    def _rollback(self, scope: WriteScope) -> None:
        if scope._session is not None:
            scope._session.rollback()
        if self._conn is not None and self._conn.in_transaction():
            self._conn.rollback()

    async def _commit_grouped(self, scope: WriteScope, result: P) -> P:
        """`_commit_inserts` through the group committer: end this request's read snapshot, wait
        for the group's transaction, then run the after-commit callbacks."""
        assert self.committer is not None
        conn = self.conn
        if conn.in_transaction():
            conn.commit()
        draft = scope.audit_draft()
        keyed = self.keyed
        mark = None if keyed is None else (lambda connection: keyed.mark(connection, draft))
        await self.committer.commit(conn, scope.staged, draft, mark)
        self._committed(draft)
        for callback in scope.after_commit:
            callback()
        return result

    def _commit_inserts(self, scope: WriteScope) -> None:
        """Commit a work that staged inserts and never opened the ORM session: end the request
        connection's read transaction, then write in one short transaction (SQLite: BEGIN
        IMMEDIATE, so the lock is held only for these inserts)."""
        draft = scope.audit_draft()
        conn = self.conn
        if conn.in_transaction():
            conn.commit()
        previous = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with conn.begin():
                for statement, params in scope.staged:
                    conn.execute(statement, params)
                insert_event(conn, draft)
                if self.keyed is not None:
                    self.keyed.mark(conn, draft)
        finally:
            conn.execution_options(sqlite_begin=previous)

    def _write_session(self, immediate: bool = False) -> Session:
        session = self.session
        if session.in_transaction():
            session.commit()  # end the read transaction; nothing is pending outside `mutate`
        return begin_write(session) if immediate else session

    @staticmethod
    def _changes(session: Session) -> int | None:
        """SQLite: rows this connection has changed so far (to tell a read-only work apart)."""
        if session.get_bind().dialect.name != "sqlite":
            return None
        return session.connection().connection.dbapi_connection.total_changes  # type: ignore[union-attr]

    def _commit(self, session: Session, scope: WriteScope, baseline: int | None) -> None:
        draft = scope.audit_draft()
        pure_inserts = (
            baseline is not None
            and not (session.new or session.dirty or session.deleted)
            and self._changes(session) == baseline
        )
        if pure_inserts:
            # the work only read: end its read snapshot and write in a short IMMEDIATE transaction
            session.commit()
            begin_write(session)
        for statement, params in scope.staged:
            session.execute(statement, params)
        insert_event(session, draft)
        if self.keyed is not None:
            self.keyed.mark(session, draft)
        session.commit()

    def _committed(self, draft: EventDraft) -> None:
        """Count a transaction that committed `draft` (and, under an Idempotency-Key, keep it in
        the list the key's next mark stores)."""
        self.commits += 1
        if self.keyed is not None:
            self.keyed.committed(draft)

    def audit_read(
        self,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None = None,
        detail: dict[str, Any] | None = None,
        outcome: str = "OK",
        measure: str | None = None,
    ) -> None:
        """Record a read of another person's data (a partner's verification, a clerk's look-up)
        in a short transaction of its own."""
        draft = self.draft_event(
            action, subject_person_id, subject_ref, outcome, detail or {}, measure
        )
        self._insert_alone(draft, keyed=True)
        self._committed(draft)

    def _audit_refusal(
        self,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None,
        error: RuleError,
        measure: str | None = None,
    ) -> None:
        detail = {"field": error.field, "rule": error.rule} if error.field or error.rule else {}
        draft = self.draft_event(
            action, subject_person_id, subject_ref, f"REFUSED:{error.code}", detail, measure
        )
        try:
            self._insert_alone(draft)
        except Exception:  # noqa: BLE001 - a refusal must still answer even if its audit fails
            log.exception("could not audit a refusal", extra={"request_id": self.request_id})

    def _insert_alone(self, draft: EventDraft, keyed: bool = False) -> None:
        """Insert `draft` in a transaction of its own (`keyed`: counted as the request's write,
        so it marks the request's Idempotency-Key too)."""
        with self.platform.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                insert_event(conn, draft)
                if keyed and self.keyed is not None:
                    self.keyed.mark(conn, draft)

    def draft_event(
        self,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None,
        outcome: str,
        detail: dict[str, Any],
        measure: str | None,
    ) -> EventDraft:
        """An audit event by this request's caller, in the caller's log."""
        actor = self.actor
        return EventDraft(
            log_id=actor.log_id,
            at=self.now(),
            actor_account_id=actor.account_id,
            actor_kind=actor.kind,
            actor_role=actor.primary_role,
            jurisdiction=actor.jurisdiction,
            action=action,
            measure=measure,
            subject_person_id=subject_person_id,
            subject_ref=subject_ref or None,
            outcome=outcome,
            detail=dict(detail),
        )

    # --- notifications ---------------------------------------------------------------------------
    def notify(
        self,
        session: Session,
        to: str | Addressee,
        template: str,
        params: dict[str, Any] | None = None,
        channel: str | None = None,
        measure: str | None = None,
    ) -> None:
        """Queue the declared notice `template` (core/notices.py) to `to` (an Addressee, or a
        person id) in the caller's transaction; the outbox job sends it. `measure` is the
        template's own (kept for the callers that name it). Raises UndeclaredNotice for an
        undeclared template or a missing parameter."""
        outbox.notify(session, self.now(), self.platform.notices, to, template, params, channel)
