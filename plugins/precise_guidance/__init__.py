"""M19 网上精准导办 (2024 item 七): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import STAFF_ROLES, Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices, workflows  # noqa: F401 - models: its tables
from .deadline import DEADLINE_JOB
from .jobs import PUSH_JOB
from .oversight_schema import PreciseGuidanceOversightMutation, PreciseGuidanceOversightQuery
from .reports import REPORT
from .rules import MEASURE
from .schema import PreciseGuidanceMutation, PreciseGuidanceQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M19",
        "Precise online guidance",
        "推行交管业务网上精准导办服务",
        "2024 item 七",
        "Service outlets with public corrections; to-dos pushed with guides and nearest outlets.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [PreciseGuidanceQuery, PreciseGuidanceOversightQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [PreciseGuidanceMutation, PreciseGuidanceOversightMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    desk = (Role.CLERK, Role.SUPERVISOR)
    return [
        allow(f"{MEASURE}.outlet_read", *Role, note="public outlet data"),
        allow(f"{MEASURE}.outlet_write", *desk),
        allow(f"{MEASURE}.guide_write", *desk),
        allow(f"{MEASURE}.correction_report", Role.CITIZEN, *STAFF_ROLES),
        allow(f"{MEASURE}.correction_read", *desk),
        allow(f"{MEASURE}.correction_review", *desk),
        allow(f"{MEASURE}.todo_read", Role.CITIZEN),
        allow(f"{MEASURE}.update_declare", Role.SUPERVISOR),
        allow(f"{MEASURE}.oversight_read", Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN),
        allow(f"{MEASURE}.spot_check", Role.PROVINCE_ADMIN),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(dt.date(2024, 7, 1), "2024 item 七: nationwide")]


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [PUSH_JOB, DEADLINE_JOB]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [REPORT]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    from .demo import load

    load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    return [workflows.CORRECTION, workflows.SPOT_CHECK]
