"""M04 便利货车在城市道路通行 (truck pass): hook wiring only. See README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401 - its tables
    notices,
)
from .reports import REPORTS
from .rules import MEASURE
from .schema import TruckPassMutation, TruckPassQuery
from .workflows import WORKFLOWS

PILOT = ("320100", "360100", "460100", "650100")  # Nanjing, Nanchang, Haikou, Urumqi
SECOND_WAVE = ("120100", "370100", "530100")  # Tianjin, Jinan, Kunming (of the 70 cities)


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M04",
        "Truck passage on city roads",
        "便利货车在城市道路通行",
        "2021 item 四",
        "Restriction policies checked (no city-wide 24h ban, 6 open hours), published "
        "conditions, e-pass codes, blacklist.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [TruckPassQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [TruckPassMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.public_read", *Role),
        PermissionRule.allow_roles(f"{MEASURE}.own_read", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.apply", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.decide", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.overdue_read", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.verify", Role.ROAD_OFFICER),
        PermissionRule.allow_roles(f"{MEASURE}.policy_write", Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.conditions_publish", Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.blacklist_write", Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.blacklist_read", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.blacklist_appeal", Role.CITIZEN),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    pilot = [
        RolloutDefault.for_city(c, dt.date(2021, 6, 1), "2021-四-二 试点 e-pass codes", "PILOT")
        for c in PILOT
    ]
    wave = [
        RolloutDefault.for_city(c, dt.date(2021, 9, 1), "70 cities from 2021-09-01", "EXPANSION")
        for c in SECOND_WAVE
    ]
    return pilot + wave


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "blacklist_violation_threshold",
            5,
            "Violations (within the look-back) to blacklist.",
            type=SettingType.INT,
            unit="count",
            minimum=1,
            maximum=1000,
        ),
        SettingSpec(
            "blacklist_accident_threshold",
            2,
            "Accidents to blacklist.",
            type=SettingType.INT,
            unit="count",
            minimum=1,
            maximum=100,
        ),
        SettingSpec(
            "violation_lookback_days",
            365,
            "Days of violations counted for the blacklist.",
            type=SettingType.INT,
            unit="days",
            minimum=30,
            maximum=1095,
        ),
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return list(REPORTS)


@hookimpl
def load_demo_data(session, demo) -> None:  # noqa: ANN001
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    return list(WORKFLOWS)
