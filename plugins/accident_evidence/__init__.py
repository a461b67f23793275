"""M12 事故证据网上查阅 (2021 item 十二): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, models, notices, offer_flow, reports_timeliness  # noqa: F401 - its tables
from .reports import REPORT
from .rules import MEASURE
from .schema import AccidentEvidenceMutation, AccidentEvidenceQuery

PILOT = ["310000", "320000", "370000", "440000", "500000", "510000"]  # 2021-06-01 (十二-三)
SECOND = ["110000", "120000", "130000", "140000", "360000", "420000", "430000", "460000"]
OFFICER = Role.ACCIDENT_OFFICER


class AccidentEvidence(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M12",
        "Accident evidence online",
        "试点交通事故证据材料网上查阅",
        "2021 item 十二",
        "Parties of general-procedure accidents look up and copy approved evidence online.",
    )
    query_types = [AccidentEvidenceQuery]
    mutation_types = [AccidentEvidenceMutation]
    permissions = {
        "case_register": OFFICER,
        "delivery_record": OFFICER,
        "item_record": OFFICER,
        "offer_submit": OFFICER,
        "requester_register": OFFICER,
        "relative_add": OFFICER,
        "completeness_confirm": OFFICER,
        "offer_review": Role.ACCIDENT_UNIT_HEAD,
        "case_read": (OFFICER, Role.ACCIDENT_UNIT_HEAD),
        "access": Role.CITIZEN,
    }
    default_rollout = [
        *(
            RolloutDefault.for_province(p, dt.date(2021, 6, 1), "2021-十二-三 试点", "PILOT")
            for p in PILOT
        ),
        *(
            RolloutDefault.for_province(p, dt.date(2021, 9, 1), "扩大试点 (MISSION)", "PILOT_2")
            for p in SECOND
        ),
    ]
    reports = [REPORT, reports_timeliness.REPORT]
    workflows = [offer_flow.FLOW]
    settings = [reports_timeliness.APPROVAL_DAYS]
    demo_data = demo
    notice_templates = notices.TEMPLATES


plugin = AccidentEvidence()
