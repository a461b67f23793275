"""M17 re-application exams (驾驶证注销恢复考试优化, 2024 item 五): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, models, notices  # noqa: F401 - its tables
from .jobs import prospect_notices, transition_notices
from .reports import registrations
from .rules import MEASURE
from .schema import ReapplicationExamMutation, ReapplicationExamQuery
from .workflow import REGISTRATION


class ReapplicationExam(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M17",
        "Re-application exams after cancellation",
        "优化驾驶证重新申领考试科目",
        "2024 item 五",
        "Licences with a small-car class cancelled after 3 years without renewal: Subject 1 and the Subject 3 road test only.",
    )
    query_types = [ReapplicationExamQuery]
    mutation_types = [ReapplicationExamMutation]
    permissions = {
        "plan_read": (Role.CITIZEN, Role.CLERK, Role.SUPERVISOR),
        "own_registrations": Role.CITIZEN,
        "register": (Role.CITIZEN, Role.CLERK),
        "withdraw": Role.CITIZEN,
        "close": Role.CLERK,
        "result_record": Role.CLERK,
        "cancellation_reason_record": Role.CLERK,
        "notify": (Role.CLERK, Role.SUPERVISOR),
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2024, 7, 1), note="2024-五-二: 该项措施于2024年7月1日正式实施"
        )
    ]
    jobs = [
        JobSpec(
            "reapplication_exam_transition_notices",
            MEASURE,
            "daily 08:00",
            transition_notices,
            "2024-五-三: tell applicants registered before 2024-07-01 what the new rules change.",
        ),
        JobSpec(
            "reapplication_exam_prospect_notices",
            MEASURE,
            "daily 08:30",
            prospect_notices,
            "2024-五-三: tell holders of qualifying cancelled licences who have not registered "
            "yet when the new rules apply and what they change.",
        ),
    ]
    reports = [
        ReportSpec(
            "reapplication_exam_registrations",
            MEASURE,
            "注销恢复考试报名: by case and status",
            "MONTHLY",
            registrations,
            subject_zh="重新申领考试报名（按情形、状态）",
        )
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    workflows = [REGISTRATION]


plugin = ReapplicationExam()
