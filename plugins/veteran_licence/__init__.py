"""M07 veterans' licence exchange (便利退役军人换领驾驶证, 2021 item 七): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import AdapterSpec, MeasureInfo, ReportSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, models, notices  # noqa: F401 - its tables
from .adapters import ADAPTER, TableMilitaryRegistry
from .reports import exchanges
from .rules import MEASURE
from .schema import VeteranLicenceMutation, VeteranLicenceQuery


class VeteranLicence(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M07",
        "Veterans' licence exchange",
        "便利退役军人换领驾驶证",
        "2021 item 七",
        "Military licence exchange with registry check, continuous driving years, first-issue date and 6-year validity.",
    )
    query_types = [VeteranLicenceQuery]
    mutation_types = [VeteranLicenceMutation]
    permissions = {
        "exchange": Role.CLERK,
        "queue_read": (Role.CLERK, Role.SUPERVISOR),
        "resolve": (Role.CLERK, Role.SUPERVISOR),
        "record_remark": Role.CITIZEN,
        "record_read": Role.CITIZEN,
    }
    adapters = [
        AdapterSpec(
            ADAPTER,
            TableMilitaryRegistry,
            "Military / armed-police licence registry (built-in: table veteran_licence_military_records).",
        )
    ]
    default_rollout = [
        RolloutDefault.nationwide(dt.date(2021, 6, 1), note="2021-七-一: 自2021年6月1日起")
    ]
    reports = [
        ReportSpec(
            "veteran_licence_exchanges",
            MEASURE,
            "退役军人换领驾驶证: outcomes and failed checks",
            "MONTHLY",
            exchanges,
            subject_zh="换领结果与核查未通过",
        )
    ]
    demo_data = demo
    # The core's application graph with this measure's notices: the applicant withdraws a
    # pending application (core `applicationWithdraw`; the measure keeps nothing beside the
    # application that would need closing), the office rejects with its reason.
    workflows = [
        apps.application_workflow(
            MEASURE,
            notices={
                "reject": f"{MEASURE}.rejected",
                "withdraw": f"{MEASURE}.withdrawn",
                "complete": f"{MEASURE}.exchanged",
            },
        )
    ]
    notice_templates = notices.TEMPLATES


plugin = VeteranLicence()
