"""M03 driving exam (驾驶证考试优化, 2021 item 三): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec, SettingSpec
from core.rollout import RolloutDefault

from . import models  # noqa: F401 - its tables
from .demo import load as load_demo
from .reports import SETTINGS, transfer_anomalies
from .rules import MEASURE
from .schema import DrivingExamMutation, DrivingExamQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M03",
        "Driving exam optimisation",
        "优化驾驶证考试内容和程序",
        "2021 item 三",
        "Subject 2 items for C2/C5, Subject 3 booking intervals, up to 3 exam-city changes, transfer anomalies.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [DrivingExamQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [DrivingExamMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.items", Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(
            f"{MEASURE}.permit_read", Role.CITIZEN, Role.CLERK, Role.SUPERVISOR
        ),
        PermissionRule.allow_roles(f"{MEASURE}.own_permits", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.permit_issue", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.book", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.location_change", Role.CITIZEN),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021-三-一-3: 新措施自6月1日起全国实施"
        )
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return SETTINGS


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            "driving_exam_transfer_anomalies",
            MEASURE,
            "异地分科目考试转入转出异常 (same school in bulk, concentrated origins)",
            "WEEKLY",
            transfer_anomalies,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    load_demo(session, demo)
