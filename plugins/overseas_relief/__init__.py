"""M08 people abroad (便利出国（境）人员延期换领驾驶证, 2021 item 八): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import AdapterSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, models, notices  # noqa: F401 - its tables
from .adapters import ADAPTER, TableExitEntryRecords
from .reports import SUBJECT1_ROW, relief
from .rules import MEASURE
from .schema import OverseasReliefMutation, OverseasReliefQuery
from .service import DEFERRAL_BUSINESSES, RESTORE


class OverseasRelief(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M08",
        "Licence relief for people abroad",
        "便利出国（境）人员延期换领驾驶证",
        "2021 item 八",
        "Entrusted deferral with copies; restoration of licences cancelled while abroad, within 6 months of return, reviewed by the head.",
    )
    query_types = [OverseasReliefQuery]
    mutation_types = [OverseasReliefMutation]
    permissions = {
        "read": (Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        "deferral": Role.CLERK,
        "accept": Role.CLERK,
        "subject1": Role.CLERK,
        "review": Role.SUPERVISOR,
    }
    settings = [
        SettingSpec(
            "epidemic_start",
            "2020-01-20",
            "Start of the relief period (疫情发生以来); by default the day of 国家卫生健康委员会公告2020年第1号.",
            type=SettingType.DATE,
            minimum=dt.date(2019, 12, 1),
            maximum=dt.date(2020, 12, 31),
        ),
        SettingSpec(
            "deferral_max_years",
            3,
            "Longest deferral a person at home may obtain for a holder abroad (公安部令第162号: "
            "at most three years).",
            type=SettingType.INT,
            unit="years",
            minimum=1,
            maximum=3,
        ),
    ]
    adapters = [
        AdapterSpec(
            ADAPTER,
            TableExitEntryRecords,
            "Exit-entry records (built-in: table overseas_relief_border_crossings).",
        )
    ]
    default_rollout = [
        RolloutDefault.nationwide(dt.date(2021, 6, 1), note="2021 items: 自2021年6月1日起")
    ]
    reports = [
        ReportSpec(
            "overseas_relief_figures",
            MEASURE,
            "出国（境）人员延期与恢复: by business and status",
            "MONTHLY",
            relief,
            subject_zh="延期与恢复办理（按业务、状态）",
            terms={
                RESTORE: "恢复驾驶资格",
                **{f"DEFERRAL_{code}": f"延期{name}" for code, name in DEFERRAL_BUSINESSES.items()},
                SUBJECT1_ROW: "需考科目一的恢复驾驶资格",
            },
        )
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # The core's application graph with this measure's notices: the applicant withdraws a
    # pending application (core `applicationWithdraw`; the measure keeps nothing beside the
    # application that would need closing), the office rejects with its reason.
    workflows = [
        apps.application_workflow(
            MEASURE,
            notices={"reject": f"{MEASURE}.rejected", "withdraw": f"{MEASURE}.withdrawn"},
        )
    ]


plugin = OverseasRelief()
