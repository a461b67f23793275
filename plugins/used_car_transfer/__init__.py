"""M02 二手车异地交易登记 (cross-region used-car transfer registration): hook wiring only."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import MeasureInfo, TicketSourceSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps

from . import demo, notices, rollout, schema, service
from .models import UsedCarTransferInspection, UsedCarTransferRow
from .reports import REPORTS
from .rules import MEASURE, Rule
from .settings import SETTINGS
from .workflow import TRANSFER_WORKFLOW

__all__ = ["UsedCarTransferInspection", "UsedCarTransferRow", "plugin"]


class UsedCarTransfer(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M02",
        "Cross-region used-car transfer registration",
        "试点二手车异地交易登记",
        "2021 item 二",
        "Small and mini non-operating passenger cars traded in either city; one-step inspection "
        "and registration at the transfer-in office; archives move electronically.",
    )
    query_types = [schema.UsedCarTransferQuery]
    mutation_types = [schema.UsedCarTransferMutation]
    permissions = {
        "apply": (Role.CITIZEN, Role.CLERK),
        "inspect": Role.INSPECTOR,
        "register": Role.CLERK,
        "archive_return": Role.CLERK,
        "withdraw": Role.CITIZEN,
        "reject": Role.CLERK,
        "read": (Role.CITIZEN, Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR),
        "worklist": (Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR),
    }
    default_rollout = rollout.defaults()
    settings = SETTINGS
    reports = REPORTS
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # the core's application graph; the transfer is withdrawn through usedCarTransferWithdraw
    # (which cancels its application too), so the core's applicationWithdraw stays off here
    workflows = [apps.application_workflow(MEASURE, withdraw=False), TRANSFER_WORKFLOW]
    # the transfer-out and transfer-in offices settle archive problems by office ticket (二-四)
    ticket_sources = [TicketSourceSpec(MEASURE, service.ticket_offices, Rule.LIAISON)]


plugin = UsedCarTransfer()
