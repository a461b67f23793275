"""M20 unit accounts (单位用户版, seed 2024 item 八): hook wiring only. See README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import jobs, models, notices, reports, workflows  # noqa: F401 - models: the tables
from .rules import MEASURE
from .schema import PERMISSIONS, UnitAccountsMutation, UnitAccountsQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M20",
        "Unit accounts (12123 unit version)",
        "推出“交管12123”APP单位用户版",
        "2024 item 八",
        "Clean-up of legacy unit accounts; legal person / admin / user roles; QR web sign-in; "
        "unit vehicles, filed drivers and violations; 补换领牌证 permission.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [UnitAccountsQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [UnitAccountsMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [PermissionRule.allow_roles(action, *roles) for action, roles in PERMISSIONS.items()]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2024, 6, 1),
            note="M20 2024-八: clean-up and export before 6月20日 (八-一); categories, window "
            "registration, QR sign-in and disabling from 2024-07-01 (rule dates in rules.py)",
        )
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "qr_login_seconds",
            120,
            "Lifetime of a web QR sign-in code.",
            type=SettingType.INT,
            unit="seconds",
            minimum=30,
            maximum=600,
        )
    ]


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "unit_accounts_cleanup",
            MEASURE,
            "daily 02:00",
            jobs.run_job,
            "八-一: flag (before 2024-07-01) or disable and convert (from then) legacy unit accounts.",
        ),
        JobSpec(
            "unit_accounts_reservations_expire",
            MEASURE,
            "daily 00:10",
            jobs.expire_reservations_job,
            "八-三: preselected plate numbers past their last day expire (the number is free).",
        ),
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            "unit_accounts_cleanup",
            MEASURE,
            "单位账号清理与扫码登录情况",
            "ANY",
            reports.build,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    # its applications keep nothing outside the core record, so the member who applied withdraws
    # them with the core's applicationWithdraw; the office decides with unitApplicationDecide
    return [workflows.APPLICATION, workflows.PLATE_RESERVATION, workflows.LEGACY_ACCOUNT]
