"""M17 re-application exams (驾驶证注销恢复考试优化, 2024 item 五): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices  # noqa: F401 - its tables
from .demo import load as load_demo
from .jobs import prospect_notices, transition_notices
from .reports import registrations
from .rules import MEASURE
from .schema import ReapplicationExamMutation, ReapplicationExamQuery
from .workflow import REGISTRATION


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M17",
        "Re-application exams after cancellation",
        "优化驾驶证重新申领考试科目",
        "2024 item 五",
        "Licences with a small-car class cancelled after 3 years without renewal: Subject 1 and the Subject 3 road test only.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [ReapplicationExamQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [ReapplicationExamMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(
            f"{MEASURE}.plan_read", Role.CITIZEN, Role.CLERK, Role.SUPERVISOR
        ),
        PermissionRule.allow_roles(f"{MEASURE}.own_registrations", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.register", Role.CITIZEN, Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.withdraw", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.close", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.result_record", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.cancellation_reason_record", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.notify", Role.CLERK, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2024, 7, 1), note="2024-五-二: 该项措施于2024年7月1日正式实施"
        )
    ]


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "reapplication_exam_transition_notices",
            MEASURE,
            "daily 08:00",
            transition_notices,
            "2024-五-三: tell applicants registered before 2024-07-01 what the new rules change.",
        ),
        JobSpec(
            "reapplication_exam_prospect_notices",
            MEASURE,
            "daily 08:30",
            prospect_notices,
            "2024-五-三: tell holders of qualifying cancelled licences who have not registered "
            "yet when the new rules apply and what they change.",
        ),
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            "reapplication_exam_registrations",
            MEASURE,
            "注销恢复考试报名: by case and status",
            "MONTHLY",
            registrations,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    load_demo(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    return [REGISTRATION]
