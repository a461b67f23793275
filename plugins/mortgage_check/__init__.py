"""M10 抵押信息在线核查 (mortgage information checked online): hook wiring only."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, notices, schema
from .models import MortgageFilingRow, MortgageFinanceCompanyRow
from .rules import EFFECTIVE, MEASURE
from .workflows import DISPUTE

__all__ = ["MortgageFilingRow", "MortgageFinanceCompanyRow", "plugin"]

LENDERS = (Role.PARTNER_BANK, Role.PARTNER_AUTO_FINANCE, Role.PARTNER_FINANCE_COMPANY)


class MortgageCheck(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M10",
        "Mortgage information checked online",
        "推行机动车抵押信息在线核查",
        "2021 item 十",
        "Banks, auto-finance and finance companies file mortgages and releases online; archives "
        "are marked 联网核查; finance companies are filed once nationally.",
    )
    query_types = [schema.MortgageQuery]
    mutation_types = [schema.MortgageMutation]
    permissions = {
        "file": LENDERS,
        "registry_file": Role.NATIONAL_ADMIN,
        "registry_read": (Role.CLERK, Role.SUPERVISOR, Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN),
        "vehicle_check": (Role.CLERK, Role.SUPERVISOR),
        "party": Role.CITIZEN,
        "dispute_decide": (Role.CLERK, Role.SUPERVISOR),
    }
    default_rollout = [
        RolloutDefault.nationwide(EFFECTIVE, note="2021-十: 全国推行 (no pilot in the seed)")
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # the core's application graph: a filing's application is completed in the same request (no
    # pending state to withdraw from); the owner's dispute of a filing (workflows.DISPUTE)
    workflows = [apps.application_workflow(MEASURE, withdraw=False), DISPUTE]


plugin = MortgageCheck()
