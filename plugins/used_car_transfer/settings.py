"""Measure settings of M02 (overridable per province or city) and a session-level reader."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.plugin_api import SettingSpec, SettingType
from core.settings_store import read_setting

from .rules import MEASURE

SETTINGS = [
    SettingSpec(
        "concentration_threshold",
        5,
        "Transfers of one city pair or one dealer inside the window that make them 'concentrated'.",
        type=SettingType.INT,
        unit="count",
        minimum=2,
        maximum=1000,
    ),
    SettingSpec(
        "concentration_window_days",
        7,
        "Length of the window in which concentrated transfers are counted.",
        type=SettingType.INT,
        unit="days",
        minimum=1,
        maximum=90,
    ),
]
SPECS = {s.key: s for s in SETTINGS}


def setting(session: Session, key: str, city_code: str) -> Any:
    """City value, else province value, else the nationwide value, else the default (reports get
    a session, not a context); a stored value outside the declaration is ignored."""
    return read_setting(session, MEASURE, SPECS[key], city_code)
