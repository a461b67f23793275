"""M09 online entrustment (网上委托, 2021 item 九): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401 - its tables
    notices,
    reports,
    workflows,
)
from .rules import MEASURE
from .schema import EntrustmentMutation, EntrustmentQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M09",
        "Online entrustment",
        "推行办理交管业务网上委托",
        "2021 item 九",
        "An owner entrusts a named agent online for one listed business, valid at most 30 days.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [EntrustmentQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [EntrustmentMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.read_own", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.create", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.revoke", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.check", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.use", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.paper", Role.CLERK),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021 item 九: no pilot list; nationwide from 2021-06-01"
        )
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [reports.REPORT]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    return [workflows.GRANT]
