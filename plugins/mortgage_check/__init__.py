"""M10 抵押信息在线核查 (mortgage information checked online): hook wiring only."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import notices, schema, workflows
from .models import MortgageFilingRow, MortgageFinanceCompanyRow
from .rules import EFFECTIVE, MEASURE

__all__ = ["MortgageFilingRow", "MortgageFinanceCompanyRow"]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M10",
        "Mortgage information checked online",
        "推行机动车抵押信息在线核查",
        "2021 item 十",
        "Banks, auto-finance and finance companies file mortgages and releases online; archives "
        "are marked 联网核查; finance companies are filed once nationally.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [schema.MortgageQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.MortgageMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    lenders = (Role.PARTNER_BANK, Role.PARTNER_AUTO_FINANCE, Role.PARTNER_FINANCE_COMPANY)
    return [
        allow(f"{MEASURE}.file", *lenders),
        allow(f"{MEASURE}.registry_file", Role.NATIONAL_ADMIN),
        allow(
            f"{MEASURE}.registry_read",
            Role.CLERK,
            Role.SUPERVISOR,
            Role.PROVINCE_ADMIN,
            Role.NATIONAL_ADMIN,
        ),
        allow(f"{MEASURE}.vehicle_check", Role.CLERK, Role.SUPERVISOR),
        allow(f"{MEASURE}.party", Role.CITIZEN),
        allow(f"{MEASURE}.dispute_decide", Role.CLERK, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(EFFECTIVE, note="2021-十: 全国推行 (no pilot in the seed)")]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    # the core's application graph: a filing's application is completed in the same request (no
    # pending state to withdraw from); the owner's dispute of a filing (workflows.DISPUTE)
    return [apps.application_workflow(MEASURE, withdraw=False), workflows.DISPUTE]
