"""M19 网上精准导办 (2024 item 七): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import STAFF_ROLES, Role
from core.hookspecs import hookimpl
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import demo, models, notices  # noqa: F401 - models: its tables
from .deadline import DEADLINE_JOB
from .jobs import PUSH_JOB
from .oversight_schema import PreciseGuidanceOversightMutation, PreciseGuidanceOversightQuery
from .reports import REPORT
from .rules import MEASURE
from .schema import PreciseGuidanceMutation, PreciseGuidanceQuery
from .workflows import CORRECTION, SPOT_CHECK

DESK = (Role.CLERK, Role.SUPERVISOR)


class PreciseGuidance(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M19",
        "Precise online guidance",
        "推行交管业务网上精准导办服务",
        "2024 item 七",
        "Service outlets with public corrections; to-dos pushed with guides and nearest outlets.",
    )
    query_types = [PreciseGuidanceQuery, PreciseGuidanceOversightQuery]
    mutation_types = [PreciseGuidanceMutation, PreciseGuidanceOversightMutation]
    permissions = {  # after outlet_read (register_permission_rules)
        "outlet_write": DESK,
        "guide_write": DESK,
        "correction_report": (Role.CITIZEN, *STAFF_ROLES),
        "correction_read": DESK,
        "correction_review": DESK,
        "todo_read": Role.CITIZEN,
        "update_declare": Role.SUPERVISOR,
        "oversight_read": (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN),
        "spot_check": Role.PROVINCE_ADMIN,
    }
    default_rollout = [RolloutDefault.nationwide(dt.date(2024, 7, 1), "2024 item 七: nationwide")]
    jobs = [PUSH_JOB, DEADLINE_JOB]
    reports = [REPORT]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    workflows = [CORRECTION, SPOT_CHECK]

    @hookimpl
    def register_permission_rules(self) -> list[PermissionRule]:
        """The public outlet data first (its rule carries a note), then `permissions`."""
        public = PermissionRule.allow_roles(
            f"{MEASURE}.outlet_read", *Role, note="public outlet data"
        )
        return [public, *self.permission_rules()]


plugin = PreciseGuidance()
