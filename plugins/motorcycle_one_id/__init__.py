"""M14 摩托车登记"一证通办" (2024 item 二): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, SettingSpec, SettingType, TicketSourceSpec
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import demo as demo_data
from . import (
    models,  # noqa: F401 - its tables
    notices,
    service,
)
from .rules import MEASURE, R_LIAISON
from .schema import MotorcycleMutation, MotorcycleQuery


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
        "M14",
        "Motorcycle registration with one ID",
        "摩托车登记一证通办",
        "2024 item 二",
        "Registration, transfer, move-in and co-owner change of motorcycles: mainland residents "
        "across cities show only the resident ID, HMT residents their residence permit.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [MotorcycleQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [MotorcycleMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    staff = (Role.CLERK, Role.SUPERVISOR)
    return [
        allow(f"{MEASURE}.documents_check", Role.CITIZEN),
        allow(f"{MEASURE}.apply", Role.CITIZEN),
        allow(f"{MEASURE}.view", Role.CITIZEN, *staff),
        allow(f"{MEASURE}.queue", *staff),
        allow(f"{MEASURE}.review", *staff),
        allow(f"{MEASURE}.complete", *staff),
        allow(f"{MEASURE}.cancel", *staff),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [
        RolloutDefault.nationwide(
            dt.date(2024, 7, 1), note="2024 items take effect nationwide on 2024-07-01"
        )
    ]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            "local_policy",
            None,
            "地方对摩托车实行单独管理政策 (2024-二-一-3); {} (or the default, null) for none. "
            "replacesOneId restores "
            "the residence proof for cross-city applicants; extraDocuments are added for everyone.",
            type=SettingType.OBJECT,
            nullable=True,
            fields=(
                SettingSpec(
                    "name",
                    "地方摩托车管理规定",
                    "The local rule's name.",
                    type=SettingType.STR,
                    max_length=100,
                ),
                SettingSpec(
                    "extraDocuments",
                    [],
                    "Documents the local rule adds.",
                    type=SettingType.STR_LIST,
                    max_items=10,
                    max_length=60,
                ),
                SettingSpec(
                    "replacesOneId",
                    False,
                    "Whether the local rule restores the residence proof.",
                    type=SettingType.BOOL,
                ),
            ),
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
    # the core's application graph: the applicant withdraws with the core's applicationWithdraw
    # (a withdrawn case stops holding its VIN open), the office cancels with a reason
    notices = {"withdraw": f"{MEASURE}.withdrawn", "cancel": f"{MEASURE}.cancelled"}
    return [apps.application_workflow(MEASURE, notices)]


@hookimpl
def register_ticket_sources() -> list[TicketSourceSpec]:
    # the transfer-out and transfer-in offices of a transfer or move-in across cities settle
    # archive problems by office ticket (二-三)
    return [TicketSourceSpec(MEASURE, service.ticket_offices, R_LIAISON)]
