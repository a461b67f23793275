"""Per-request state: the caller, the clock, the database session, loaders and the audit sink.

Operations receive it as `info.context`. Its helpers are how a plugin asks the core questions:
may this caller do this (`check`)? is the measure in force for this city today
(`require_in_force`)? is this file in the clerk's jurisdiction (`require_jurisdiction`)? and how a
plugin writes (`mutate`: one transaction, audited, refusals typed and rolled back).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from graphql import OperationType
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from core import audit, outbox
from core.accounts import Role
from core.actor import Actor
from core.db import begin_write
from core.divisions import city as lookup_city
from core.errors import Code, Forbidden, NotAuthenticated, RuleError
from core.rollout import Decision

if TYPE_CHECKING:
    from core.platform import Platform

log = logging.getLogger("traffic.context")
P = TypeVar("P")


class WriteScope:
    """What a mutation's work function receives: the session and a way to name the subject."""

    def __init__(self, ctx: Context, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self.subject_person_id: str | None = None
        self.subject_ref: str | None = None
        self.detail: dict[str, Any] = {}
        # the audit outcome when `work` returns: "OK", or "REFUSED:<reason>" for a refusal whose
        # writes must still be kept (a counted failed attempt, a notice sent out of band)
        self.outcome = "OK"

    def subject(self, person_id: str | None = None, ref: str | None = None, **detail: Any) -> None:
        """Name whose data this write touches (for the audit event). Never pass raw ID numbers."""
        if person_id is not None:
            self.subject_person_id = person_id
        if ref is not None:
            self.subject_ref = ref
        self.detail.update(detail)

    @property
    def now(self) -> dt.datetime:
        return self.ctx.now()


class Context:
    def __init__(
        self, platform: Platform, actor: Actor, request_id: str = "-", request: Any = None
    ) -> None:
        self.platform = platform
        self.actor = actor
        self.request_id = request_id
        self.request = request
        self._session: Session | None = None
        self._loaders: dict[str, DataLoader[Any, Any]] = {}
        self._now: dt.datetime | None = None

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
        Build the statement once at import time with `bindparam`s and pass their values here.
        """
        if self._session is not None:
            return self._session.execute(statement, params).first()
        with self.platform.engine.connect() as conn:
            return conn.execute(statement, params).first()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

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

    def require_in_force(
        self, measure: str, city_code: str, day: dt.date | None = None, field: str = "city"
    ) -> Decision:
        """Refuse FEATURE_NOT_ENABLED (with measure, city and date) unless the measure is in force."""
        decision = self.decision(measure, city_code, day, field)
        if not decision.in_force:
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
    def setting(self, measure: str, key: str, city_code: str | None = None) -> Any:
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

    # --- writes ----------------------------------------------------------------------------------
    def _write_session(self) -> Session:
        session = self.session
        if session.in_transaction():
            session.commit()  # end the read transaction; nothing is pending outside `mutate`
        return begin_write(session)

    def mutate(
        self,
        action: str,
        payload: type[P],
        work: Callable[[WriteScope], P],
        measure: str | None = None,
    ) -> P:
        """Run `work` in one transaction with its audit event; a RuleError rolls everything back
        and returns `payload(errors=[...])`, also audited (outcome REFUSED:<code>). A refusal
        that must keep its writes returns normally after setting `scope.outcome`."""
        measure = measure or action.split(".")[0]
        session = self._write_session()
        scope = WriteScope(self, session)
        try:
            result = work(scope)
            self._append(
                session,
                action,
                scope.subject_person_id,
                scope.subject_ref,
                scope.outcome,
                scope.detail,
                measure,
            )
            session.commit()
            return result
        except RuleError as error:
            session.rollback()
            self._audit_refusal(
                action, scope.subject_person_id, scope.subject_ref, error, measure=measure
            )
            from core.graphql.types import UserError

            return payload(errors=[UserError.of(error)])  # type: ignore[call-arg]
        except Exception:
            session.rollback()
            raise

    def audit_read(
        self,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None = None,
        detail: dict[str, Any] | None = None,
        outcome: str = "OK",
        measure: str | None = None,
    ) -> None:
        """Record a read of another person's data (a partner's verification, a clerk's look-up)."""
        session = self._write_session()
        try:
            self._append(
                session, action, subject_person_id, subject_ref, outcome, detail or {}, measure
            )
            session.commit()
        except Exception:
            session.rollback()
            raise

    def _audit_refusal(
        self,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None,
        error: RuleError,
        measure: str | None = None,
    ) -> None:
        session = self._write_session()
        try:
            detail = {"field": error.field, "rule": error.rule} if error.field or error.rule else {}
            self._append(
                session,
                action,
                subject_person_id,
                subject_ref,
                f"REFUSED:{error.code}",
                detail,
                measure,
            )
            session.commit()
        except Exception:  # noqa: BLE001 - a refusal must still answer even if its audit fails
            session.rollback()
            log.exception("could not audit a refusal", extra={"request_id": self.request_id})

    def _append(
        self,
        session: Session,
        action: str,
        subject_person_id: str | None,
        subject_ref: str | None,
        outcome: str,
        detail: dict[str, Any],
        measure: str | None,
    ) -> None:
        actor = self.actor
        audit.append(
            session,
            self.now(),
            actor_account_id=actor.account_id,
            actor_kind=actor.kind,
            actor_role=actor.primary_role,
            jurisdiction=actor.jurisdiction,
            action=action[:80],
            measure=measure,
            subject_person_id=subject_person_id,
            subject_ref=(subject_ref or None) and subject_ref[:80],
            outcome=outcome[:60],
            detail=detail,
        )

    # --- notifications ---------------------------------------------------------------------------
    def notify(
        self,
        session: Session,
        person_id: str,
        template: str,
        params: dict[str, Any] | None = None,
        channel: str = "APP",
        measure: str | None = None,
    ) -> None:
        """Queue an SMS / app message in the caller's transaction (sent by the outbox job)."""
        outbox.enqueue(session, self.now(), person_id, template, params, channel, measure)
