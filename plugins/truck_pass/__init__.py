"""M04 便利货车在城市道路通行 (truck pass): hook wiring only. See README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo, SettingSpec, SettingType
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
    notices,
)
from .reports import REPORTS
from .rules import MEASURE
from .schema import TruckPassMutation, TruckPassQuery
from .workflows import WORKFLOWS

PILOT = ("320100", "360100", "460100", "650100")  # Nanjing, Nanchang, Haikou, Urumqi
SECOND_WAVE = ("120100", "370100", "530100")  # Tianjin, Jinan, Kunming (of the 70 cities)


class TruckPass(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M04",
        "Truck passage on city roads",
        "便利货车在城市道路通行",
        "2021 item 四",
        "Restriction policies checked (no city-wide 24h ban, 6 open hours), published "
        "conditions, e-pass codes, blacklist.",
    )
    query_types = [TruckPassQuery]
    mutation_types = [TruckPassMutation]
    permissions = {
        "public_read": Role,  # every role
        "own_read": Role.CITIZEN,
        "apply": Role.CITIZEN,
        "decide": Role.CLERK,
        "overdue_read": (Role.CLERK, Role.SUPERVISOR),
        "verify": Role.ROAD_OFFICER,
        "policy_write": Role.SUPERVISOR,
        "conditions_publish": Role.SUPERVISOR,
        "blacklist_write": Role.SUPERVISOR,
        "blacklist_read": (Role.CLERK, Role.SUPERVISOR),
        "blacklist_appeal": Role.CITIZEN,
    }
    default_rollout = [
        *(
            RolloutDefault.for_city(c, dt.date(2021, 6, 1), "2021-四-二 试点 e-pass codes", "PILOT")
            for c in PILOT
        ),
        *(
            RolloutDefault.for_city(
                c, dt.date(2021, 9, 1), "70 cities from 2021-09-01", "EXPANSION"
            )
            for c in SECOND_WAVE
        ),
    ]
    settings = [
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
    reports = REPORTS
    demo_data = demo
    notice_templates = notices.TEMPLATES
    workflows = WORKFLOWS


plugin = TruckPass()
