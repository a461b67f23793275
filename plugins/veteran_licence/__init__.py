"""M07 veterans' licence exchange (便利退役军人换领驾驶证, 2021 item 七): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import AdapterSpec, MeasureInfo, ReportSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices  # noqa: F401 - its tables
from .adapters import ADAPTER, TableMilitaryRegistry
from .demo import load as load_demo
from .reports import exchanges
from .rules import MEASURE
from .schema import VeteranLicenceMutation, VeteranLicenceQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M07",
        "Veterans' licence exchange",
        "便利退役军人换领驾驶证",
        "2021 item 七",
        "Military licence exchange with registry check, continuous driving years, first-issue date and 6-year validity.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [VeteranLicenceQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [VeteranLicenceMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.exchange", Role.CLERK),
        PermissionRule.allow_roles(f"{MEASURE}.queue_read", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.resolve", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.record_remark", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.record_read", Role.CITIZEN),
    ]


@hookimpl
def register_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            ADAPTER,
            TableMilitaryRegistry,
            "Military / armed-police licence registry (built-in: table veteran_licence_military_records).",
        )
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(dt.date(2021, 6, 1), note="2021-七-一: 自2021年6月1日起")]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            "veteran_licence_exchanges",
            MEASURE,
            "退役军人换领驾驶证: outcomes and failed checks",
            "MONTHLY",
            exchanges,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    load_demo(session, demo)


@hookimpl
def register_workflows() -> list[Workflow]:
    """The core's application graph with this measure's notices: the applicant withdraws a
    pending application (core `applicationWithdraw`; the measure keeps nothing beside the
    application that would need closing), the office rejects with its reason."""
    return [
        apps.application_workflow(
            MEASURE,
            notices={
                "reject": f"{MEASURE}.rejected",
                "withdraw": f"{MEASURE}.withdrawn",
                "complete": f"{MEASURE}.exchanged",
            },
        )
    ]


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)
