"""Default rollout of M02 (二-二): 20 pilot cities, then the major cities, then nationwide."""

from __future__ import annotations

from core.divisions import CITIES
from core.rollout import RolloutDefault

from .rules import MAJOR_FROM, NATIONWIDE_FROM, PILOT_CITIES, PILOT_FROM


def defaults() -> list[RolloutDefault]:
    """Pilot cities from 2021-06-01; other municipalities, capitals and independent-planning
    cities from 2021-09-01; every city from 2022-06-30 (\"2022年6月底前，全国全面推行\")."""
    rows = [
        RolloutDefault.for_city(code, PILOT_FROM, phase="PILOT", note="2021-二-二 试点城市")
        for code in PILOT_CITIES
    ]
    rows += [
        RolloutDefault.for_city(
            c.code,
            MAJOR_FROM,
            phase="MAJOR_CITIES",
            note="2021-二-二 直辖市、省会市、首府市、计划单列市",
        )
        for c in CITIES.values()
        if c.major and c.code not in PILOT_CITIES
    ]
    rows.append(RolloutDefault.nationwide(NATIONWIDE_FROM, note="2021-二-二 全国全面推行"))
    return rows
