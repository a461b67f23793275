"""M05 缓解城镇老旧小区居民"停车难"问题 (residential parking): hook wiring only. See README.md."""

from __future__ import annotations

from core.accounts import Role
from core.hookspecs import hookimpl
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401 - its tables
    rules,
)
from .reports import REPORTS
from .rules import MEASURE
from .schema import ResidentialParkingMutation, ResidentialParkingQuery
from .workflows import WORKFLOWS


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M05",
        "Parking for old residential areas",
        "缓解城镇老旧小区居民停车难",
        "2021 item 五",
        "Segments and night/weekend/holiday windows where residents may park; signs and bays; "
        "adjustments and withdrawals as history; 'may I park here now?'.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [ResidentialParkingQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [ResidentialParkingMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.public_read", *Role),
        PermissionRule.allow_roles(f"{MEASURE}.designate", Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.signs", Role.CLERK, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            rules.OPENS,
            note=rules.RULE_DEADLINE,
        )
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return list(REPORTS)


@hookimpl
def load_demo_data(session, demo) -> None:  # noqa: ANN001
    demo_data.load(session, demo)


@hookimpl
def register_workflows() -> list[Workflow]:
    return list(WORKFLOWS)
