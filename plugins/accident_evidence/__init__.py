"""M12 事故证据网上查阅 (2021 item 十二): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Role
from core.demo import DemoWorld
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo, ReportSpec, SettingSpec
from core.rollout import RolloutDefault
from core.workflow import Workflow

from . import models, notices, offer_flow, reports_timeliness  # noqa: F401 - its tables
from .reports import REPORT
from .rules import MEASURE
from .schema import AccidentEvidenceMutation, AccidentEvidenceQuery

PILOT = ["310000", "320000", "370000", "440000", "500000", "510000"]  # 2021-06-01 (十二-三)
SECOND = ["110000", "120000", "130000", "140000", "360000", "420000", "430000", "460000"]


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(
        MEASURE,
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
        allow(f"{MEASURE}.case_register", officer),
        allow(f"{MEASURE}.delivery_record", officer),
        allow(f"{MEASURE}.item_record", officer),
        allow(f"{MEASURE}.offer_submit", officer),
        allow(f"{MEASURE}.requester_register", officer),
        allow(f"{MEASURE}.relative_add", officer),
        allow(f"{MEASURE}.completeness_confirm", officer),
        allow(f"{MEASURE}.offer_review", Role.ACCIDENT_UNIT_HEAD),
        allow(f"{MEASURE}.case_read", officer, Role.ACCIDENT_UNIT_HEAD),
        allow(f"{MEASURE}.access", Role.CITIZEN),
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
    return [REPORT, reports_timeliness.REPORT]


@hookimpl
def register_workflows() -> list[Workflow]:
    return [offer_flow.FLOW]


@hookimpl
def register_settings() -> list[SettingSpec]:
    return [reports_timeliness.APPROVAL_DAYS]


@hookimpl
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    from .demo import load

    load(session, demo)


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return list(notices.TEMPLATES)
