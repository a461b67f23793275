"""M16 快递上门服务 (2024 item 四): hook wiring only; see README.md."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401  (tables)
    notices,
    reports,
    workflows,
)
from .rules import MEASURE
from .schema import CourierMutation, CourierQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M16",
        "Courier home service",
        "快递上门服务",
        "2024 item 四",
        "Pilot areas chosen by provinces; courier companies under agreement visit citizens for "
        "e-bike and motorcycle registration and plate/licence replacement, and mail the plates.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [CourierQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [CourierMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    admins = (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN)
    return [
        allow(
            f"{MEASURE}.area_read",
            Role.CITIZEN,
            Role.PARTNER_COURIER,
            Role.CLERK,
            Role.SUPERVISOR,
            *admins,
        ),  # fmt: skip
        allow(f"{MEASURE}.area_write", *admins),
        allow(f"{MEASURE}.agreement_write", Role.SUPERVISOR, *admins),
        allow(f"{MEASURE}.staff_add", Role.PARTNER_COURIER),
        allow(f"{MEASURE}.staff_qualify", Role.SUPERVISOR, Role.PROVINCE_ADMIN),
        allow(f"{MEASURE}.book", Role.CITIZEN),
        allow(
            f"{MEASURE}.booking_read",
            Role.CITIZEN,
            Role.PARTNER_COURIER,
            Role.CLERK,
            Role.SUPERVISOR,
        ),  # fmt: skip
        allow(f"{MEASURE}.courier_work", Role.PARTNER_COURIER),
        allow(f"{MEASURE}.review", Role.CLERK, Role.SUPERVISOR),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    # 四-一-1: the province chooses its pilot areas; nothing is enabled by default.
    return []


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [
        ReportSpec(
            f"{MEASURE}.bookings",
            MEASURE,
            "快递上门服务: bookings per pilot area",
            "ANY",
            reports.build,
        )
    ]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    demo_data.load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)


@hookimpl
def register_workflows() -> list[Workflow]:
    # the core's application graph (submitted at the visit, decided with the booking's review):
    # the applicant's way out is the booking's (cancel before the visit), so the core's
    # applicationWithdraw stays off; the booking's own graph (workflows.BOOKING)
    return [apps.application_workflow(MEASURE, withdraw=False), workflows.BOOKING]
