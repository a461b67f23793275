"""M03 driving exam (驾驶证考试优化, 2021 item 三): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo, ReportSpec
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, models  # noqa: F401 - its tables
from .reports import SETTINGS, transfer_anomalies
from .rules import MEASURE
from .schema import DrivingExamMutation, DrivingExamQuery


class DrivingExam(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M03",
        "Driving exam optimisation",
        "优化驾驶证考试内容和程序",
        "2021 item 三",
        "Subject 2 items for C2/C5, Subject 3 booking intervals, up to 3 exam-city changes, transfer anomalies.",
    )
    query_types = [DrivingExamQuery]
    mutation_types = [DrivingExamMutation]
    permissions = {
        "items": (Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        "permit_read": (Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        "own_permits": Role.CITIZEN,
        "permit_issue": Role.CLERK,
        "book": Role.CITIZEN,
        "location_change": Role.CITIZEN,
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021-三-一-3: 新措施自6月1日起全国实施"
        )
    ]
    settings = SETTINGS
    reports = [
        ReportSpec(
            "driving_exam_transfer_anomalies",
            MEASURE,
            "异地分科目考试转入转出异常 (same school in bulk, concentrated origins)",
            "WEEKLY",
            transfer_anomalies,
            subject_zh="异地考试转入转出异常",
            terms={
                "SCHOOL_BATCH": "同一驾校短期内批量转入转出",
                "ORIGIN_CONCENTRATED": "转入考生来源地集中",
                "school": "驾校",
                "origin": "来源地",
            },
        )
    ]
    demo_data = demo


plugin = DrivingExam()
