"""M15 online deregistration (网上注销): hook wiring only. See README.md."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, models, notices, rules, schema, service  # noqa: F401 - models: tables
from .reports import monthly
from .rules import MEASURE
from .workflow import SCRAP_REPORT_WORKFLOW


class OnlineDeregistration(MeasurePlugin):
    info = MeasureInfo(
        MEASURE, "M15", "Online deregistration", "网上注销", "2024 item 三",
        "Apply online; uniform electronic deregistration certificate; one-day deregistration after scrap.",
    )  # fmt: skip
    query_types = [schema.DeregistrationQuery]
    mutation_types = [schema.DeregistrationMutation]
    permissions = {
        "apply": Role.CITIZEN,
        "view": Role.CITIZEN,
        "review": (Role.CLERK, Role.SUPERVISOR),
        "scrap_process": (Role.CLERK, Role.SUPERVISOR),
        "scrap_report": Role.PARTNER_SCRAPPING,
        "verify": (Role.PARTNER_COMMERCE, Role.CLERK, Role.SUPERVISOR),
    }
    default_rollout = [
        RolloutDefault.nationwide(rules.EFFECTIVE, note="2024 item 三 (nationwide; no pilot list)")
    ]
    settings = [
        SettingSpec(
            "reminder_days_before_scrap_deadline",
            rules.REMIND_DAYS,
            "Remind owners this many days ahead of the scrap deadline (read for the vehicle's "
            "registration city).",
            type=SettingType.INT,
            unit="days",
            minimum=1,
            maximum=rules.REMIND_DAYS_MAX,
        )
    ]
    jobs = [
        JobSpec(f"{MEASURE}.overdue_scrap", MEASURE, "hourly", service.flag_overdue_scrap_reports,
                "Flag scrap reports not deregistered within one day of receipt (2024-三-三-2)."),
        JobSpec(f"{MEASURE}.scrap_reminders", MEASURE, "daily 08:00", service.remind_scrap_deadlines,
                "Remind owners near the scrap deadline, once per vehicle and deadline (2024-三-二-2)."),
    ]  # fmt: skip
    reports = [
        ReportSpec(
            f"{MEASURE}.monthly",
            MEASURE,
            "Deregistrations and the one-day scrap rule",
            "MONTHLY",
            monthly,
            subject_zh="网上注销与报废一日办结",
            column_labels={
                "certificates": "注销证明数",
                "scrap_reports": "报废回收报告数",
                "processed_within_one_day": "一日内办结数",
                "flagged_overdue": "超期标记数",
                "superseded": "车主已先行注销数",
            },
        )
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # an application is the owner's only record until it is approved, so the owner withdraws it
    # with the core's applicationWithdraw; scrap reports have their own graph (workflow.py)
    workflows = [
        apps.application_workflow(
            MEASURE,
            {
                "reject": f"{MEASURE}.rejected",
                "withdraw": f"{MEASURE}.withdrawn",
                # closed by the office when a scrap report deregistered the vehicle first
                "cancel": f"{MEASURE}.cancelled",
            },
        ),
        SCRAP_REPORT_WORKFLOW,
    ]


plugin = OnlineDeregistration()
