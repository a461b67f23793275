"""M20 unit accounts (单位用户版, seed 2024 item 八): hook wiring only. See README.md."""

from __future__ import annotations

import datetime as dt

from core.hookspecs import hookimpl
from core.permissions import PermissionRule
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, models, notices  # noqa: F401 - models: the tables
from .jobs import expire_reservations_job, run_job
from .reports import build
from .rules import MEASURE
from .schema import PERMISSIONS, UnitAccountsMutation, UnitAccountsQuery
from .workflows import APPLICATION, LEGACY_ACCOUNT, PLATE_RESERVATION


class UnitAccounts(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M20",
        "Unit accounts (12123 unit version)",
        "推出“交管12123”APP单位用户版",
        "2024 item 八",
        "Clean-up of legacy unit accounts; legal person / admin / user roles; QR web sign-in; "
        "unit vehicles, filed drivers and violations; 补换领牌证 permission.",
    )
    query_types = [UnitAccountsQuery]
    mutation_types = [UnitAccountsMutation]
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2024, 6, 1),
            note="M20 2024-八: clean-up and export before 6月20日 (八-一); categories, window "
            "registration, QR sign-in and disabling from 2024-07-01 (rule dates in rules.py)",
        )
    ]
    settings = [
        SettingSpec(
            "qr_login_seconds",
            120,
            "Lifetime of a web QR sign-in code.",
            type=SettingType.INT,
            unit="seconds",
            minimum=30,
            maximum=600,
        )
    ]
    jobs = [
        JobSpec(
            "unit_accounts_cleanup",
            MEASURE,
            "daily 02:00",
            run_job,
            "八-一: flag (before 2024-07-01) or disable and convert (from then) legacy unit accounts.",
        ),
        JobSpec(
            "unit_accounts_reservations_expire",
            MEASURE,
            "daily 00:10",
            expire_reservations_job,
            "八-三: preselected plate numbers past their last day expire (the number is free).",
        ),
    ]
    reports = [
        ReportSpec(
            "unit_accounts_cleanup",
            MEASURE,
            "单位账号清理与扫码登录情况",
            "ANY",
            build,
            subject_zh="单位账号清理与扫码登录",
            column_labels={
                "disabled": "停用数",
                "converted": "转换数",
                "DUPLICATE_ID": "证件重复",
                "UNIT_OVER_10": "单位账号超过10个",
                "PERSON_OVER_3": "个人关联单位超过3个",
                "qr_sign_ins": "扫码登录次数",
            },
        )
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # its applications keep nothing outside the core record, so the member who applied withdraws
    # them with the core's applicationWithdraw; the office decides with unitApplicationDecide
    workflows = [APPLICATION, PLATE_RESERVATION, LEGACY_ACCOUNT]

    @hookimpl
    def register_permission_rules(self) -> list[PermissionRule]:
        """The schema's table of actions (schema.PERMISSIONS: full action -> roles)."""
        return [PermissionRule.allow_roles(action, *roles) for action, roles in PERMISSIONS.items()]


plugin = UnitAccounts()
