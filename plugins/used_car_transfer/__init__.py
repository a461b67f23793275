"""M02 二手车异地交易登记 (cross-region used-car transfer registration): hook wiring only."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec, SettingSpec, TicketSourceSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import notices, reports, rollout, schema, service, settings
from .models import UsedCarTransferInspection, UsedCarTransferRow
from .rules import MEASURE, Rule
from .workflow import TRANSFER_WORKFLOW

__all__ = ["UsedCarTransferInspection", "UsedCarTransferRow"]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M02",
        "Cross-region used-car transfer registration",
        "试点二手车异地交易登记",
        "2021 item 二",
        "Small and mini non-operating passenger cars traded in either city; one-step inspection "
        "and registration at the transfer-in office; archives move electronically.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [schema.UsedCarTransferQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.UsedCarTransferMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    return [
        allow(f"{MEASURE}.apply", Role.CITIZEN, Role.CLERK),
        allow(f"{MEASURE}.inspect", Role.INSPECTOR),
        allow(f"{MEASURE}.register", Role.CLERK),
        allow(f"{MEASURE}.archive_return", Role.CLERK),
        allow(f"{MEASURE}.withdraw", Role.CITIZEN),
        allow(f"{MEASURE}.reject", Role.CLERK),
        allow(f"{MEASURE}.read", Role.CITIZEN, Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR),
        allow(f"{MEASURE}.worklist", Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return rollout.defaults()


@hookimpl
def register_settings() -> list[SettingSpec]:
    return settings.SETTINGS


@hookimpl
def register_reports() -> list[ReportSpec]:
    return reports.REPORTS


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    # the core's application graph; the transfer is withdrawn through usedCarTransferWithdraw
    # (which cancels its application too), so the core's applicationWithdraw stays off here
    return [apps.application_workflow(MEASURE, withdraw=False), TRANSFER_WORKFLOW]


@hookimpl
def register_ticket_sources() -> list[TicketSourceSpec]:
    # the transfer-out and transfer-in offices settle archive problems by office ticket (二-四)
    return [TicketSourceSpec(MEASURE, service.ticket_offices, Rule.LIAISON)]
