"""M06 proxy for the elderly (便利老年人办理交管业务, 2021 item 六): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
    notices,
)
from .reports import REPORT
from .rules import MEASURE
from .schema import ElderProxyMutation, ElderProxyQuery


class ElderlyProxy(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M06",
        "Proxy handling for the elderly",
        "便利老年人线上线下办理交管业务",
        "2021 item 六",
        "A relative handles one of 8 businesses for a person aged 60+; green channel at windows.",
    )
    query_types = [ElderProxyQuery]
    mutation_types = [ElderProxyMutation]
    permissions = {
        "read_own": Role.CITIZEN,
        "apply": Role.CITIZEN,
        "handle": Role.CITIZEN,
        "cancel": Role.CITIZEN,
        "revoke": Role.CITIZEN,
        "review": (Role.CLERK, Role.SUPERVISOR),
        "queue": Role.CLERK,
        "queue_issue": Role.CLERK,
        "queue_call": Role.CLERK,
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021 item 六: no pilot list; nationwide from 2021-06-01"
        )
    ]
    reports = [REPORT]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # the core's application graph; the relative's way out is elderProxyCancel and the elder's
    # elderProxyRevoke (the authorisation row follows), so the core's applicationWithdraw stays
    # off here; decisions are told
    workflows = [
        apps.application_workflow(
            MEASURE, {"approve": f"{MEASURE}.approved", "reject": f"{MEASURE}.rejected"},
            withdraw=False,
        )
    ]  # fmt: skip


plugin = ElderlyProxy()
