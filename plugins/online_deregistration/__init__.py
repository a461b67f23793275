"""M15 online deregistration (网上注销): hook wiring only. See README.md."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices, reports, rules, schema, service  # noqa: F401 - models: tables
from .rules import MEASURE
from .workflow import SCRAP_REPORT_WORKFLOW


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE, "M15", "Online deregistration", "网上注销", "2024 item 三",
        "Apply online; uniform electronic deregistration certificate; one-day deregistration after scrap.",
    )  # fmt: skip


@hookimpl
def register_query_types() -> list[type]:
    return [schema.DeregistrationQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.DeregistrationMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.apply", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.view", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.review", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.scrap_process", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.scrap_report", Role.PARTNER_SCRAPPING),
        PermissionRule.allow_roles(
            f"{MEASURE}.verify", Role.PARTNER_COMMERCE, Role.CLERK, Role.SUPERVISOR
        ),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(rules.EFFECTIVE, note="2024 item 三 (nationwide; no pilot list)")
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "reminder_days_before_scrap_deadline",
            rules.REMIND_DAYS,
            "Remind owners this many days ahead of the scrap deadline (read for the vehicle's "
            "registration city).",
            type=SettingType.INT,
            unit="days",
            minimum=1,
            maximum=rules.REMIND_DAYS_MAX,
        )
    ]


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(f"{MEASURE}.overdue_scrap", MEASURE, "hourly", service.flag_overdue_scrap_reports,
                "Flag scrap reports not deregistered within one day of receipt (2024-三-三-2)."),
        JobSpec(f"{MEASURE}.scrap_reminders", MEASURE, "daily 08:00", service.remind_scrap_deadlines,
                "Remind owners near the scrap deadline, once per vehicle and deadline (2024-三-二-2)."),
    ]  # fmt: skip


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            f"{MEASURE}.monthly",
            MEASURE,
            "Deregistrations and the one-day scrap rule",
            "MONTHLY",
            reports.monthly,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    from . import demo as demo_module

    demo_module.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    # an application is the owner's only record until it is approved, so the owner withdraws it
    # with the core's applicationWithdraw; scrap reports have their own graph (workflow.py)
    notices = {"reject": f"{MEASURE}.rejected", "withdraw": f"{MEASURE}.withdrawn"}
    return [apps.application_workflow(MEASURE, notices), SCRAP_REPORT_WORKFLOW]
