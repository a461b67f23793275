"""M09 online entrustment (网上委托, 2021 item 九): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
    notices,
)
from .reports import REPORT
from .rules import MEASURE
from .schema import EntrustmentMutation, EntrustmentQuery
from .workflows import GRANT


class OnlineEntrustment(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M09",
        "Online entrustment",
        "推行办理交管业务网上委托",
        "2021 item 九",
        "An owner entrusts a named agent online for one listed business, valid at most 30 days.",
    )
    query_types = [EntrustmentQuery]
    mutation_types = [EntrustmentMutation]
    permissions = {
        "read_own": Role.CITIZEN,
        "create": Role.CITIZEN,
        "revoke": Role.CITIZEN,
        "check": (Role.CLERK, Role.SUPERVISOR),
        "use": Role.CLERK,
        "paper": Role.CLERK,
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2021, 6, 1), note="2021 item 九: no pilot list; nationwide from 2021-06-01"
        )
    ]
    reports = [REPORT]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    workflows = [GRANT]


plugin = OnlineEntrustment()
