"""M06 proxy for the elderly (便利老年人办理交管业务, 2021 item 六): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401 - its tables
    notices,
    reports,
)
from .rules import MEASURE
from .schema import ElderProxyMutation, ElderProxyQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M06",
        "Proxy handling for the elderly",
        "便利老年人线上线下办理交管业务",
        "2021 item 六",
        "A relative handles one of 8 businesses for a person aged 60+; green channel at windows.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [ElderProxyQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [ElderProxyMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.read_own", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.apply", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.handle", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.cancel", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.revoke", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.review", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.queue", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.queue_issue", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.queue_call", Role.CLERK),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021 item 六: no pilot list; nationwide from 2021-06-01"
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
    # the core's application graph; this measure's own records are withdrawn or closed through
    # its own operations, so the core's applicationWithdraw stays off here
    # the relative's way out is elderProxyCancel and the elder's elderProxyRevoke (the
    # authorisation row follows), so the core's applicationWithdraw stays off; decisions are told
    return [
        apps.application_workflow(
            MEASURE, {"approve": f"{MEASURE}.approved", "reject": f"{MEASURE}.rejected"},
            withdraw=False,
        )
    ]  # fmt: skip
