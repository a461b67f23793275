"""M11 交强险信息在线核查 (compulsory insurance checked online): hook wiring only."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import AdapterSpec, MeasureInfo, ReportSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import adapter, followup, notices, reports, schema
from . import demo as demo_data
from .models import InsuranceCheckPolicyRow, InsuranceCheckRow
from .rules import EFFECTIVE, MEASURE

__all__ = ["InsuranceCheckPolicyRow", "InsuranceCheckRow"]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M11",
        "Compulsory insurance checked online",
        "全面推行机动车交强险信息在线核查",
        "2021 item 十一",
        "On registration and inspection-mark issuance 交强险 is checked online; found means no "
        "paper certificate; failures are recorded and reported weekly.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [schema.InsuranceCheckQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.InsuranceCheckMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    return [
        allow(f"{MEASURE}.run", Role.CLERK),
        allow(f"{MEASURE}.history", Role.CLERK, Role.SUPERVISOR),
        allow(f"{MEASURE}.failures", Role.PARTNER_INSURER, Role.CLERK, Role.SUPERVISOR),
        allow(f"{MEASURE}.failure_resolve", Role.PARTNER_INSURER),
        allow(f"{MEASURE}.failure_close", Role.CLERK, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(EFFECTIVE, note="2021-十一-二: 6月1日起各地全部实现")]


@hookimpl
def register_adapters() -> list[AdapterSpec]:
    return adapter.ADAPTERS


@hookimpl
def register_reports() -> list[ReportSpec]:
    return reports.REPORTS


@hookimpl
def register_workflows() -> list[Workflow]:
    return [followup.FLOW]


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)
