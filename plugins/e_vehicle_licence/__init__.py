"""M13 e-vehicle licence (行驶证电子化): hook wiring only. See README.md."""

from __future__ import annotations

from core.accounts import Role
from core.documents.partner_limit import PARTNER_VERIFICATIONS_PER_MINUTE
from core.plugin_api import MeasureInfo, StatusSourceSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, models, notices, rules, schema, status  # noqa: F401 - models: tables
from .reports import REPORTS
from .rules import MEASURE


class EVehicleLicence(MeasurePlugin):
    info = MeasureInfo(
        MEASURE, "M13", "E-vehicle licence", "行驶证电子化", "2024 item 一",
        "Issue, show and verify the e-vehicle licence; roadside outcomes; grants to filed users.",
    )  # fmt: skip
    status_sources = [StatusSourceSpec("VL", MEASURE, status.vl_statuses)]
    query_types = [schema.EVehicleLicenceQuery]
    mutation_types = [schema.EVehicleLicenceMutation]
    permissions = {
        "apply": Role.CITIZEN,
        "view": Role.CITIZEN,
        "show": Role.CITIZEN,
        "grant": Role.CITIZEN,
        "violation": Role.CITIZEN,
        "review": (Role.CLERK, Role.SUPERVISOR),
        "verify": (
            Role.ROAD_OFFICER,
            Role.CLERK,
            Role.SUPERVISOR,
            Role.PARTNER_INSURER,
            Role.PARTNER_BANK,
        ),
        "roadside": Role.ROAD_OFFICER,
        "local_version": (Role.CLERK, Role.PARTNER_INSURER, Role.PARTNER_BANK),
    }
    default_rollout = [
        RolloutDefault.nationwide(rules.EFFECTIVE, note="2024 item 一 (no pilot list in the seed)")
    ]
    settings = [PARTNER_VERIFICATIONS_PER_MINUTE]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    reports = REPORTS
    # The core's application graph with this measure's notices: the applicant withdraws a
    # pending application (core `applicationWithdraw`; the measure keeps nothing beside the
    # application that would need closing), the office rejects with its reason.
    workflows = [
        apps.application_workflow(
            MEASURE,
            notices={"reject": f"{MEASURE}.rejected", "withdraw": f"{MEASURE}.withdrawn"},
        )
    ]


plugin = EVehicleLicence()
