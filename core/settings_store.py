"""Measure configuration: plugin defaults, overridden per province or city by administrators."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.divisions import CITIES
from core.errors import Code, RuleError
from core.plugin_api import SettingSpec
from core.rollout import NATIONAL, MeasureSetting


class SettingsStore:
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

    def get(self, measure: str, key: str, city_code: str | None = None) -> Any:
        """City value, else province value, else the national value ("*"), else the default."""
        spec = self.spec(measure, key)
        if time.monotonic() - self._loaded_at > self._ttl:
            self.reload()
        if city_code:
            if (measure, city_code, key) in self._values:
                return self._values[(measure, city_code, key)]
            city = CITIES.get(city_code)
            if city and (measure, city.province_code, key) in self._values:
                return self._values[(measure, city.province_code, key)]
        if (measure, NATIONAL, key) in self._values:
            return self._values[(measure, NATIONAL, key)]
        return spec.default

    def reload(self) -> None:
        with Session(self._engine) as session:
            rows = session.exec(select(MeasureSetting)).all()
            values = {(r.measure, r.scope_code, r.key): r.value.get("value") for r in rows}
        with self._lock:
            self._values = values
            self._loaded_at = time.monotonic()
