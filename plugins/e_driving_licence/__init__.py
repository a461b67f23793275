"""M01 e-driving licence (驾驶证电子化): hook wiring only. See README.md."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import (
    JobSpec,
    MeasureInfo,
    ReportSpec,
    SettingScope,
    SettingSpec,
    SettingType,
    StatusSourceSpec,
)
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo, jobs, mdoc, models, notices, reports, routes, rules, schema, status  # noqa: F401 - models: tables
from .rules import MEASURE

PARTNERS = (Role.PARTNER_INSURER, Role.PARTNER_RENTAL, Role.PARTNER_EMPLOYER)
VERIFIERS = (Role.ROAD_OFFICER, Role.CLERK, Role.SUPERVISOR)


@hookimpl
def register_status_sources() -> list[StatusSourceSpec]:
    return [StatusSourceSpec("DL", MEASURE, status.dl_statuses)]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M01",
        "E-driving licence",
        "驾驶证电子化",
        "2021 item 一",
        "Apply, issue, show as a rotating signed QR, verify offline and online nationwide.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [schema.EDrivingLicenceQuery, mdoc.EDrivingLicenceMdocQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [schema.EDrivingLicenceMutation, mdoc.EDrivingLicenceMdocMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [
        PermissionRule.allow_roles(f"{MEASURE}.apply", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.view", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.show", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.mdoc", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.share", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.my_verifications", Role.CITIZEN),
        PermissionRule.allow_roles(f"{MEASURE}.review", Role.CLERK, Role.SUPERVISOR),
        PermissionRule.allow_roles(f"{MEASURE}.verify", *VERIFIERS, *PARTNERS),
        PermissionRule.allow_roles(f"{MEASURE}.seize", Role.ROAD_OFFICER),
        PermissionRule.allow_roles(f"{MEASURE}.local_version", Role.CLERK, *PARTNERS),
        PermissionRule.allow_roles(f"{MEASURE}.status_list", *Role),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    """Issuance by phase (rules.py): the 28 cities of 2021-09-01 that the news names, then
    nationwide from 2022; pilot cities before that are configured by their provinces."""
    return [
        *(
            RolloutDefault.for_city(city, rules.EXPANSION_FROM, rules.R_EXPANSION, "EXPANSION")
            for city in rules.EXPANSION_CITIES
        ),
        RolloutDefault.nationwide(rules.NATIONWIDE_FROM, note=rules.R_NATIONWIDE_ROLLOUT),
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
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "credentials.status_lists",
            MEASURE,
            "every 15 minutes",
            jobs.rebuild_status_lists,
            "Rebuild and sign the credential status lists from the live registries.",
        )
    ]


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            f"{MEASURE}.monthly",
            MEASURE,
            "E-licences: applications, issued, verifications",
            "MONTHLY",
            reports.monthly,
        )
    ]


@hookimpl
def register_routes() -> list[Any]:
    return list(routes.ROUTES)


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:  # noqa: F811
    from . import demo as demo_module

    demo_module.load(session, demo)


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
            rules.MEASURE,
            notices={
                "reject": f"{rules.MEASURE}.rejected",
                "withdraw": f"{rules.MEASURE}.withdrawn",
            },
        )
    ]
