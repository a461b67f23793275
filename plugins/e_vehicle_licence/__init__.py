"""M13 e-vehicle licence (行驶证电子化): hook wiring only. See README.md."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, SettingScope, SettingSpec, SettingType, StatusSourceSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices, reports, rules, schema, status  # noqa: F401 - models: tables
from .rules import MEASURE


@hookimpl
def register_status_sources() -> list[StatusSourceSpec]:
    return [StatusSourceSpec("VL", MEASURE, status.vl_statuses)]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE, "M13", "E-vehicle licence", "行驶证电子化", "2024 item 一",
        "Issue, show and verify the e-vehicle licence; roadside outcomes; grants to filed users.",
    )  # fmt: skip


@hookimpl
def register_query_types() -> list[type]:
    return [schema.EVehicleLicenceQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.EVehicleLicenceMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.apply", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.view", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.show", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.grant", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.violation", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.review", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(
            f"{MEASURE}.verify",
            Role.ROAD_OFFICER,
            Role.CLERK,
            Role.SUPERVISOR,
            Role.PARTNER_INSURER,
            Role.PARTNER_BANK,
        ),
        PermissionRule.allow_roles(f"{MEASURE}.roadside", Role.ROAD_OFFICER),
        PermissionRule.allow_roles(
            f"{MEASURE}.local_version", Role.CLERK, Role.PARTNER_INSURER, Role.PARTNER_BANK
        ),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(rules.EFFECTIVE, note="2024 item 一 (no pilot list in the seed)")
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "partner_verifications_per_minute",
            600,
            "Online verifications per partner and minute; read for the province the partner is "
            "registered in (PartnerOrg.province_code), so no city values.",
            type=SettingType.INT,
            unit="per minute",
            minimum=1,
            maximum=10_000_000,  # load tests raise it that far
            scope=SettingScope.PROVINCE,
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
def register_reports() -> list[reports.ReportSpec]:
    return reports.REPORTS


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
