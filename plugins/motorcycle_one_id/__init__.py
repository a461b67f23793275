"""M14 摩托车登记"一证通办" (2024 item 二): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo, SettingSpec, SettingType, TicketSourceSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
    notices,
    service,
)
from .rules import MEASURE, R_LIAISON
from .schema import MotorcycleMutation, MotorcycleQuery

STAFF = (Role.CLERK, Role.SUPERVISOR)


class MotorcycleOneId(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M14",
        "Motorcycle registration with one ID",
        "摩托车登记一证通办",
        "2024 item 二",
        "Registration, transfer, move-in and co-owner change of motorcycles: mainland residents "
        "across cities show only the resident ID, HMT residents their residence permit.",
    )
    query_types = [MotorcycleQuery]
    mutation_types = [MotorcycleMutation]
    permissions = {
        "documents_check": Role.CITIZEN,
        "apply": Role.CITIZEN,
        "view": (Role.CITIZEN, *STAFF),
        "queue": STAFF,
        "review": STAFF,
        "complete": STAFF,
        "cancel": STAFF,
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2024, 7, 1), note="2024 items take effect nationwide on 2024-07-01"
        )
    ]
    settings = [
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
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # the core's application graph: the applicant withdraws with the core's applicationWithdraw
    # (a withdrawn case stops holding its VIN open), the office cancels with a reason
    workflows = [
        apps.application_workflow(
            MEASURE, {"withdraw": f"{MEASURE}.withdrawn", "cancel": f"{MEASURE}.cancelled"}
        )
    ]
    # the transfer-out and transfer-in offices of a transfer or move-in across cities settle
    # archive problems by office ticket (二-三)
    ticket_sources = [TicketSourceSpec(MEASURE, service.ticket_offices, R_LIAISON)]


plugin = MotorcycleOneId()
