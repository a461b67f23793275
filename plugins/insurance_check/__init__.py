"""M11 交强险信息在线核查 (compulsory insurance checked online): hook wiring only."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, followup, notices, schema
from .adapter import ADAPTERS
from .models import InsuranceCheckPolicyRow, InsuranceCheckRow
from .reports import REPORTS
from .rules import EFFECTIVE, MEASURE

__all__ = ["InsuranceCheckPolicyRow", "InsuranceCheckRow", "plugin"]


class InsuranceCheck(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M11",
        "Compulsory insurance checked online",
        "全面推行机动车交强险信息在线核查",
        "2021 item 十一",
        "On registration and inspection-mark issuance 交强险 is checked online; found means no "
        "paper certificate; failures are recorded and reported weekly.",
    )
    query_types = [schema.InsuranceCheckQuery]
    mutation_types = [schema.InsuranceCheckMutation]
    permissions = {
        "run": Role.CLERK,
        "history": (Role.CLERK, Role.SUPERVISOR),
        "failures": (Role.PARTNER_INSURER, Role.CLERK, Role.SUPERVISOR),
        "failure_resolve": Role.PARTNER_INSURER,
        "failure_close": (Role.CLERK, Role.SUPERVISOR),
    }
    default_rollout = [
        RolloutDefault.nationwide(EFFECTIVE, note="2021-十一-二: 6月1日起各地全部实现")
    ]
    adapters = ADAPTERS
    reports = REPORTS
    workflows = [followup.FLOW]
    notice_templates = notices.TEMPLATES
    demo_data = demo


plugin = InsuranceCheck()
