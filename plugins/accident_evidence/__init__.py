"""M12 事故证据网上查阅 (2021 item 十二): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec
from core.rollout import RolloutDefault

from . import models  # noqa: F401  (tables)
from .reports import REPORT
from .schema import AccidentEvidenceMutation, AccidentEvidenceQuery

A = "accident_evidence."
PILOT = ["310000", "320000", "370000", "440000", "500000", "510000"]  # 2021-06-01 (十二-三)
SECOND = ["110000", "120000", "130000", "140000", "360000", "420000", "430000", "460000"]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        "accident_evidence",
        "M12",
        "Accident evidence online",
        "试点交通事故证据材料网上查阅",
        "2021 item 十二",
        "Parties of general-procedure accidents look up and copy approved evidence online.",
    )


@hookimpl
def register_query_types() -> list[type]:
    return [AccidentEvidenceQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [AccidentEvidenceMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    officer = Role.ACCIDENT_OFFICER
    return [
        allow(A + "case_register", officer),
        allow(A + "delivery_record", officer),
        allow(A + "item_record", officer),
        allow(A + "offer_submit", officer),
        allow(A + "requester_register", officer),
        allow(A + "offer_review", Role.ACCIDENT_UNIT_HEAD),
        allow(A + "case_read", officer, Role.ACCIDENT_UNIT_HEAD),
        allow(A + "access", Role.CITIZEN),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    first = [
        RolloutDefault.for_province(p, dt.date(2021, 6, 1), "2021-十二-三 试点", "PILOT")
        for p in PILOT
    ]
    second = [
        RolloutDefault.for_province(p, dt.date(2021, 9, 1), "扩大试点 (MISSION)", "PILOT_2")
        for p in SECOND
    ]
    return first + second


@hookimpl
def register_reports() -> list[ReportSpec]:
    return [REPORT]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    from .demo import load

    load(session, demo)
