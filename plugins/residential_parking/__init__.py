"""M05 缓解城镇老旧小区居民"停车难"问题 (residential parking): hook wiring only. See README.md."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
    rules,
)
from .reports import REPORTS
from .rules import MEASURE
from .schema import ResidentialParkingMutation, ResidentialParkingQuery
from .workflows import WORKFLOWS


class ResidentialParking(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M05",
        "Parking for old residential areas",
        "缓解城镇老旧小区居民停车难",
        "2021 item 五",
        "Segments and night/weekend/holiday windows where residents may park; signs and bays; "
        "adjustments and withdrawals as history; 'may I park here now?'.",
    )
    query_types = [ResidentialParkingQuery]
    mutation_types = [ResidentialParkingMutation]
    permissions = {
        "public_read": Role,  # every role
        "designate": Role.SUPERVISOR,
        "signs": (Role.CLERK, Role.SUPERVISOR),
    }
    default_rollout = [RolloutDefault.nationwide(rules.OPENS, note=rules.RULE_DEADLINE)]
    reports = REPORTS
    demo_data = demo
    workflows = WORKFLOWS


plugin = ResidentialParking()
