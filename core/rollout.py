"""Rollout: which measures are in force in which cities, from and until when.

A rule row says, for one measure, whether it is enabled nationally (`province_code="*"`), for a
whole province (`city_code="*"`) or for one city, within a date window. For a city and a date, the
most specific rows whose window covers the date decide (city over province over national); at the
same level a disabling row beats an enabling one; no covering row means "not in force". Rows come
from the plugins' defaults (the seeds' pilot lists and dates) and from province administrators.
Disabling only adds a rule: it never deletes a measure's data.

The rules are few (hundreds), so each process keeps them in memory and reloads them after its own
writes and at most `rollout_cache_seconds` after another worker's.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from core.db import json_field
from core.divisions import CITIES, City
from core.ids import new_id

NATIONAL = "*"
WHOLE_PROVINCE = "*"


class RolloutRule(SQLModel, table=True):
    __tablename__ = "rollout_rules"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    measure: str = Field(max_length=40, index=True)
    province_code: str = Field(max_length=6)  # "*" = national
    city_code: str = Field(max_length=6)  # "*" = the whole province (or nation)
    enabled: bool = True
    valid_from: dt.date
    valid_until: dt.date | None = None
    source: str = Field(default="DEFAULT", max_length=16)  # DEFAULT | ADMIN
    phase: str | None = Field(default=None, max_length=24)  # e.g. PILOT, MAJOR_CITIES, NATIONWIDE
    note: str | None = Field(default=None, max_length=300)
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime | None = None


class MeasureSetting(SQLModel, table=True):
    """A measure's configuration value for a province or city (overrides the plugin default)."""

    __tablename__ = "measure_settings"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    measure: str = Field(max_length=40, index=True)
    scope_code: str = Field(max_length=6)  # province or city code
    key: str = Field(max_length=60)
    value: dict = json_field({})  # {"value": ...}
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime


@dataclass(frozen=True)
class RolloutDefault:
    """A default rule a plugin contributes (see `register_default_rollout`)."""

    province_code: str
    city_code: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    enabled: bool = True
    phase: str | None = None
    note: str | None = None

    @classmethod
    def nationwide(
        cls, valid_from: dt.date, note: str | None = None, phase: str = "NATIONWIDE"
    ) -> RolloutDefault:
        return cls(NATIONAL, NATIONAL, valid_from, note=note, phase=phase)

    @classmethod
    def for_city(
        cls, city_code: str, valid_from: dt.date, note: str | None = None, phase: str | None = None
    ) -> RolloutDefault:
        city = CITIES[city_code]
        return cls(city.province_code, city.code, valid_from, note=note, phase=phase)

    @classmethod
    def for_province(
        cls,
        province_code: str,
        valid_from: dt.date,
        note: str | None = None,
        phase: str | None = None,
    ) -> RolloutDefault:
        return cls(province_code, WHOLE_PROVINCE, valid_from, note=note, phase=phase)


@dataclass(frozen=True)
class Decision:
    """Whether a measure is in force for a city on a date, and the rule that decided it."""

    measure: str
    city_code: str
    day: dt.date
    in_force: bool
    rule: RolloutRule | None

    @property
    def since(self) -> dt.date | None:
        return self.rule.valid_from if self.rule and self.in_force else None

    @property
    def phase(self) -> str | None:
        return self.rule.phase if self.rule else None


def _level(rule: RolloutRule) -> int:
    if rule.province_code == NATIONAL:
        return 1
    if rule.city_code == WHOLE_PROVINCE:
        return 2
    return 3


def _applies(rule: RolloutRule, city: City) -> bool:
    if rule.province_code == NATIONAL:
        return True
    if rule.province_code != city.province_code:
        return False
    return rule.city_code in (WHOLE_PROVINCE, city.code)


def decide(rules: list[RolloutRule], measure: str, city: City, day: dt.date) -> Decision:
    """The rollout rule for one measure, city and date (pure; see the module docstring)."""
    covering = [
        r
        for r in rules
        if r.measure == measure
        and _applies(r, city)
        and r.valid_from <= day
        and (r.valid_until is None or day <= r.valid_until)
    ]
    if not covering:
        return Decision(measure, city.code, day, False, None)
    top = max(_level(r) for r in covering)
    at_top = [r for r in covering if _level(r) == top]
    denying = [r for r in at_top if not r.enabled]
    if denying:
        return Decision(measure, city.code, day, False, denying[0])
    at_top.sort(key=lambda r: r.valid_from)
    return Decision(measure, city.code, day, True, at_top[0])


class RolloutService:
    """In-memory view of the rollout rules with cheap per-request decisions."""

    def __init__(self, engine: Engine, ttl_seconds: float = 2.0) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._rules: dict[str, list[RolloutRule]] = {}
        # decisions made from the rules now loaded, by (measure, city, day); emptied on reload
        self._decisions: dict[tuple[str, str, dt.date], Decision] = {}
        self._loaded_at = 0.0

    def rules(self, measure: str | None = None) -> list[RolloutRule]:
        if time.monotonic() - self._loaded_at > self._ttl:
            self.reload()
        if measure is None:
            return [r for rules in self._rules.values() for r in rules]
        return self._rules.get(measure, [])

    def reload(self) -> None:
        with Session(self._engine) as session:
            rows = list(session.exec(select(RolloutRule)).all())
            for row in rows:
                session.expunge(row)
        by_measure: dict[str, list[RolloutRule]] = {}
        for row in rows:
            by_measure.setdefault(row.measure, []).append(row)
        with self._lock:
            self._rules = by_measure
            self._decisions = {}
            self._loaded_at = time.monotonic()

    def decide(self, measure: str, city: City, day: dt.date) -> Decision:
        """`decide` on the loaded rules, remembered until they are reloaded (a decision is a
        frozen value: every request of a city and day shares it)."""
        decisions = self._decisions  # before rules(): a reload meanwhile leaves this one unused
        rules = self.rules(measure)
        key = (measure, city.code, day)
        found = decisions.get(key)
        if found is None:
            found = decisions[key] = decide(rules, measure, city, day)
        return found


def seed_defaults(session: Session, defaults: dict[str, list[RolloutDefault]]) -> int:
    """Write the plugins' default rules for measures that have no DEFAULT rows yet."""
    existing = set(
        session.exec(select(RolloutRule.measure).where(RolloutRule.source == "DEFAULT")).all()
    )
    written = 0
    for measure, rows in defaults.items():
        if measure in existing:
            continue
        for d in rows:
            session.add(
                RolloutRule(
                    measure=measure,
                    province_code=d.province_code,
                    city_code=d.city_code,
                    enabled=d.enabled,
                    valid_from=d.valid_from,
                    valid_until=d.valid_until,
                    phase=d.phase,
                    note=d.note,
                    source="DEFAULT",
                )
            )
            written += 1
    return written
