"""Measure configuration: plugin defaults, overridden per province or city by administrators.

Each setting declares its type, unit and bounds (`SettingSpec`). `check_value` is the one check of a
value against its declaration: `measureSettingSet` refuses anything else (INVALID_INPUT, nothing
stored), and the readers (`SettingsStore`, `read_setting`) ignore a stored value that does not
satisfy it (an old row, a row written around the API), log it, and fall back to the next level:
city value, else the province value, else the nationwide value ("*"), else the default.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.divisions import CITIES, PROVINCES
from core.errors import Code, RuleError
from core.plugin_api import SettingScope, SettingSpec, SettingType
from core.text import describe as describe_char
from core.text import forbidden_char, strip_blanks

__all__ = ["SettingScope", "SettingValueError", "SettingsStore", "check_value", "read_setting"]
from core.rollout import NATIONAL, MeasureSetting

log = logging.getLogger(__name__)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC = (SettingType.INT, SettingType.FLOAT, SettingType.DATE)


class SettingValueError(ValueError):
    """A value that its setting's declaration does not allow; the message says what is allowed."""


# --- declarations ---------------------------------------------------------------------------------
def describe(spec: SettingSpec) -> str:
    """What a setting takes, in words: type, unit and bounds (e.g. "integer, seconds, 30 to 600")."""
    kind = spec.type
    if kind in _NUMERIC:
        name = {SettingType.INT: "integer", SettingType.FLOAT: "number"}.get(
            kind, "date YYYY-MM-DD"
        )
        low, high = (_show(b) for b in (spec.minimum, spec.maximum))
        text = f"{name}{', ' + spec.unit if spec.unit else ''}, {low} to {high}"
    elif kind is SettingType.BOOL:
        text = "true or false"
    elif kind is SettingType.STR:
        text = f"text of 1 to {spec.max_length} characters"
    elif kind is SettingType.ENUM:
        text = "one of " + ", ".join(spec.choices)
    elif kind is SettingType.STR_LIST:
        text = f"list of at most {spec.max_items} texts of 1 to {spec.max_length} characters"
    else:
        members = "; ".join(f"{f.key}: {describe(f)}" for f in spec.fields)
        text = f"object with any of {{{members}}}"
    return text + (", or null" if spec.nullable else "")


def _show(bound: Any) -> str:
    if isinstance(bound, float) and bound.is_integer():
        return str(int(bound))
    return bound.isoformat() if isinstance(bound, dt.date) else str(bound)


def check_declaration(spec: SettingSpec) -> None:
    """Raise ValueError when a declaration lacks the bounds its type needs or its default is not
    a value it allows (called for every plugin setting at start-up)."""
    kind = spec.type
    if not isinstance(kind, SettingType):
        raise ValueError(f"setting {spec.key!r}: type must be a SettingType")
    if kind in _NUMERIC:
        bound = dt.date if kind is SettingType.DATE else (int, float)
        if not all(
            isinstance(b, bound) and not isinstance(b, bool) for b in (spec.minimum, spec.maximum)
        ):
            raise ValueError(f"setting {spec.key!r}: declare minimum and maximum")
        if spec.minimum > spec.maximum:  # type: ignore[operator]
            raise ValueError(f"setting {spec.key!r}: minimum above maximum")
        if kind is not SettingType.DATE and not spec.unit:
            raise ValueError(f"setting {spec.key!r}: declare the unit")
    if kind in (SettingType.STR, SettingType.STR_LIST) and not (spec.max_length or 0) > 0:
        raise ValueError(f"setting {spec.key!r}: declare max_length")
    if kind is SettingType.STR_LIST and not (spec.max_items or 0) > 0:
        raise ValueError(f"setting {spec.key!r}: declare max_items")
    if kind is SettingType.ENUM and not spec.choices:
        raise ValueError(f"setting {spec.key!r}: declare the choices")
    if kind is SettingType.OBJECT:
        if not spec.fields:
            raise ValueError(f"setting {spec.key!r}: declare the fields")
        for member in spec.fields:
            check_declaration(member)
    try:
        check_value(spec, spec.default)
    except SettingValueError as exc:
        raise ValueError(f"setting {spec.key!r}: the default is not allowed ({exc})") from None


# --- values ---------------------------------------------------------------------------------------
def check_value(spec: SettingSpec, value: Any) -> Any:
    """`value` (as parsed from JSON) if the declaration allows it, else SettingValueError saying
    what is allowed. A boolean is not a number, NaN and infinities are not numbers, 3.0 is not an
    integer, a date is the text YYYY-MM-DD of a real day."""
    if value is None:
        if spec.nullable:
            return None
        raise SettingValueError(_refusal(spec))
    kind = spec.type
    ok: bool
    if kind is SettingType.INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok and spec.minimum <= value <= spec.maximum  # type: ignore[operator]
    elif kind is SettingType.FLOAT:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and math.isfinite(value) and spec.minimum <= value <= spec.maximum  # type: ignore[operator]
    elif kind is SettingType.BOOL:
        ok = isinstance(value, bool)
    elif kind is SettingType.DATE:
        day = _date(value)
        ok = day is not None and spec.minimum <= day <= spec.maximum  # type: ignore[operator]
    elif kind is SettingType.STR:
        ok = _text(value, spec.max_length)
    elif kind is SettingType.ENUM:
        ok = isinstance(value, str) and value in spec.choices
    elif kind is SettingType.STR_LIST:
        ok = (
            isinstance(value, list)
            and len(value) <= (spec.max_items or 0)
            and all(_text(item, spec.max_length) for item in value)
        )
    else:
        ok = _object(spec, value)
    if not ok:
        raise SettingValueError(_refusal(spec))
    return value


def _refusal(spec: SettingSpec) -> str:
    return f"The setting {spec.key} takes {describe(spec)}."


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any, max_length: int | None) -> bool:
    """Text as the free-text rules keep it (core/validation.py `require_text`): 1 to `max_length`
    characters, no character that `core.text.forbidden_char` names (controls, invisible and
    direction-changing characters), no leading or trailing blanks, NFC-normalised. Raises
    SettingValueError naming the character when one is forbidden."""
    if not isinstance(value, str) or not 0 < len(value) <= (max_length or 0):
        return False
    bad = forbidden_char(value)
    if bad is not None:
        raise SettingValueError(
            f"Setting values contain no control, invisible or direction-changing character "
            f"({describe_char(bad)})."
        )
    return value == unicodedata.normalize("NFC", strip_blanks(value))


def _object(spec: SettingSpec, value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    members = {m.key: m for m in spec.fields}
    if not set(value) <= set(members):
        return False
    try:
        for key, item in value.items():
            check_value(members[key], item)
    except SettingValueError:
        return False
    return True


def scope_level(code: str) -> SettingScope | None:
    """The level of a scope code: "*" NATIONAL, a province code PROVINCE, a city code CITY."""
    if code == NATIONAL:
        return SettingScope.NATIONAL
    if code in PROVINCES:
        return SettingScope.PROVINCE
    if code in CITIES:
        return SettingScope.CITY
    return None


_RANK = {SettingScope.NATIONAL: 0, SettingScope.PROVINCE: 1, SettingScope.CITY: 2}


def allowed_at(spec: SettingSpec, code: str) -> bool:
    """Whether a value of `spec` may be set at scope `code` (a CITY setting anywhere, a PROVINCE
    setting for a province or nationwide, a NATIONAL setting nationwide only)."""
    level = scope_level(code)
    return level is not None and _RANK[level] <= _RANK[spec.scope]


def lookup_chain(code: str | None) -> list[str]:
    """The scope codes consulted for `code`, most specific first, ending with "*"."""
    chain: list[str] = []
    if code and code in CITIES:
        chain = [code, CITIES[code].province_code]
    elif code and code in PROVINCES:
        chain = [code]
    return [*chain, NATIONAL]


def _usable(spec: SettingSpec, measure: str, code: str, stored: Any) -> bool:
    """Whether a stored row may be used; a row that breaks its declaration is logged, not used."""
    if not allowed_at(spec, code):
        log.warning("setting %s.%s: ignored a value stored for scope %s", measure, spec.key, code)
        return False
    try:
        check_value(spec, stored)
    except SettingValueError:
        log.warning(
            "setting %s.%s: ignored an invalid value stored for %s", measure, spec.key, code
        )
        return False
    return True


def _stored(row: MeasureSetting) -> Any:
    value = row.value
    return value.get("value") if isinstance(value, dict) else None


def read_setting(session: Session, measure: str, spec: SettingSpec, code: str | None) -> Any:
    """The effective value of `spec` for the city (or province) `code`, read with a session (for
    report builders, which get a session and a city rather than a context)."""
    chain = lookup_chain(code)
    rows = session.exec(
        select(MeasureSetting).where(
            MeasureSetting.measure == measure,
            MeasureSetting.key == spec.key,
            MeasureSetting.scope_code.in_(chain),  # type: ignore[attr-defined]
        )
    ).all()
    by_scope = {r.scope_code: _stored(r) for r in rows}
    for scope in chain:
        if scope in by_scope and _usable(spec, measure, scope, by_scope[scope]):
            return by_scope[scope]
    return spec.default


class SettingsStore:
    """Every measure's settings, cached per worker and reloaded after `ttl_seconds`."""

    def __init__(
        self, engine: Engine, specs: dict[str, dict[str, SettingSpec]], ttl_seconds: float = 2.0
    ) -> None:
        self._engine = engine
        self.specs = specs
        self._ttl = ttl_seconds
        self._values: dict[tuple[str, str, str], Any] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def spec(self, measure: str, key: str) -> SettingSpec:
        spec = self.specs.get(measure, {}).get(key)
        if spec is None:
            raise RuleError(
                Code.INVALID_INPUT, f"{measure} has no setting {key[:60]!r}.", field="key"
            )
        return spec

    def get(self, measure: str, key: str, scope_code: str | None) -> Any:
        """The value for the city (or province) the operation concerns: city value, else province
        value, else the nationwide value ("*"), else the default. Pass None only for a NATIONAL
        setting or an operation that concerns no place."""
        spec = self.spec(measure, key)
        if time.monotonic() - self._loaded_at > self._ttl:
            self.reload()
        values = self._values
        for scope in lookup_chain(scope_code):
            if (measure, scope, key) in values:
                return values[(measure, scope, key)]
        return spec.default

    def effective(self, measure: str, key: str, scope_code: str | None) -> tuple[Any, str]:
        """The value `get` answers and the scope it comes from ("320100", "320000", "*", or
        "DEFAULT")."""
        spec = self.spec(measure, key)
        if time.monotonic() - self._loaded_at > self._ttl:
            self.reload()
        for scope in lookup_chain(scope_code):
            if (measure, scope, key) in self._values:
                return self._values[(measure, scope, key)], scope
        return spec.default, "DEFAULT"

    def reload(self) -> None:
        with Session(self._engine) as session:
            rows = session.exec(select(MeasureSetting)).all()
        values = dict(self._usable_rows(rows))
        with self._lock:
            self._values = values
            self._loaded_at = time.monotonic()

    def _usable_rows(
        self, rows: Iterable[MeasureSetting]
    ) -> Iterable[tuple[tuple[str, str, str], Any]]:
        for row in rows:
            spec = self.specs.get(row.measure, {}).get(row.key)
            if spec is None:
                continue  # a measure that is not loaded, or a setting it no longer has
            stored = _stored(row)
            if _usable(spec, row.measure, row.scope_code, stored):
                yield (row.measure, row.scope_code, row.key), stored
