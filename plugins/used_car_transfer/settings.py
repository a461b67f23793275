"""Measure settings of M02 (overridable per province or city) and a session-level reader."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.divisions import CITIES
from core.plugin_api import SettingSpec
from core.rollout import MeasureSetting
from plugins.used_car_transfer.rules import MEASURE

SETTINGS = [
    SettingSpec(
        "concentration_threshold",
        5,
        "Transfers of one city pair or one dealer inside the window that make them 'concentrated'.",
    ),
    SettingSpec(
        "concentration_window_days",
        7,
        "Length in days of the window in which concentrated transfers are counted.",
    ),
]
DEFAULTS = {s.key: s.default for s in SETTINGS}


def setting(session: Session, key: str, city_code: str) -> Any:
    """City value, else province value, else the default (reports get a session, not a context)."""
    scopes = [city_code]
    city = CITIES.get(city_code)
    if city:
        scopes.append(city.province_code)
    rows = session.exec(
        select(MeasureSetting).where(
            MeasureSetting.measure == MEASURE,
            MeasureSetting.key == key,
            MeasureSetting.scope_code.in_(scopes),  # type: ignore[attr-defined]
        )
    ).all()
    by_scope = {r.scope_code: r.value.get("value") for r in rows}
    for scope in scopes:
        if by_scope.get(scope) is not None:
            return by_scope[scope]
    return DEFAULTS[key]
