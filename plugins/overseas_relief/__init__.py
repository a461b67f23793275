"""M08 people abroad (便利出国（境）人员延期换领驾驶证, 2021 item 八): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import AdapterSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices  # noqa: F401 - its tables
from .adapters import ADAPTER, TableExitEntryRecords
from .demo import load as load_demo
from .reports import relief
from .rules import MEASURE
from .schema import OverseasReliefMutation, OverseasReliefQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M08",
        "Licence relief for people abroad",
        "便利出国（境）人员延期换领驾驶证",
        "2021 item 八",
        "Entrusted deferral with copies; restoration of licences cancelled while abroad, within 6 months of return, reviewed by the head.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [OverseasReliefQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [OverseasReliefMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.read", Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.deferral", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.accept", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.subject1", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.review", Role.SUPERVISOR),
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "epidemic_start",
            "2020-01-20",
            "Start of the relief period (疫情发生以来); by default the day of 国家卫生健康委员会公告2020年第1号.",
            type=SettingType.DATE,
            minimum=dt.date(2019, 12, 1),
            maximum=dt.date(2020, 12, 31),
        ),
        SettingSpec(
            "deferral_max_years",
            3,
            "Longest deferral a person at home may obtain for a holder abroad (公安部令第162号: "
            "at most three years).",
            type=SettingType.INT,
            unit="years",
            minimum=1,
            maximum=3,
        ),
    ]


@hookimpl
def register_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            ADAPTER,
            TableExitEntryRecords,
            "Exit-entry records (built-in: table overseas_relief_border_crossings).",
        )
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(dt.date(2021, 6, 1), note="2021 items: 自2021年6月1日起")]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            "overseas_relief_figures",
            MEASURE,
            "出国（境）人员延期与恢复: by business and status",
            "MONTHLY",
            relief,
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
    """The core's application graph with this measure's notices: the applicant withdraws a
    pending application (core `applicationWithdraw`; the measure keeps nothing beside the
    application that would need closing), the office rejects with its reason."""
    return [
        apps.application_workflow(
            MEASURE,
            notices={"reject": f"{MEASURE}.rejected", "withdraw": f"{MEASURE}.withdrawn"},
        )
    ]
