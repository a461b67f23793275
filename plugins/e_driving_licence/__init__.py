"""M01 e-driving licence (驾驶证电子化): hook wiring only. See README.md."""

from __future__ import annotations

from core.accounts import Role
from core.documents.partner_limit import PARTNER_VERIFICATIONS_PER_MINUTE
from core.plugin_api import JobSpec, MeasureInfo, ReportSpec, StatusSourceSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps
from core.rollout import RolloutDefault

from . import demo, mdoc, models, notices, rules, schema, status  # noqa: F401 - models: tables
from .jobs import rebuild_status_lists
from .reports import monthly
from .routes import ROUTES
from .rules import MEASURE

PARTNERS = (Role.PARTNER_INSURER, Role.PARTNER_RENTAL, Role.PARTNER_EMPLOYER)
VERIFIERS = (Role.ROAD_OFFICER, Role.CLERK, Role.SUPERVISOR)


class EDrivingLicence(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M01",
        "E-driving licence",
        "驾驶证电子化",
        "2021 item 一",
        "Apply, issue, show as a rotating signed QR, verify offline and online nationwide.",
    )
    status_sources = [StatusSourceSpec("DL", MEASURE, status.dl_statuses)]
    query_types = [schema.EDrivingLicenceQuery, mdoc.EDrivingLicenceMdocQuery]
    mutation_types = [schema.EDrivingLicenceMutation, mdoc.EDrivingLicenceMdocMutation]
    permissions = {
        "apply": Role.CITIZEN,
        "view": Role.CITIZEN,
        "show": Role.CITIZEN,
        "mdoc": Role.CITIZEN,
        "share": Role.CITIZEN,
        "my_verifications": Role.CITIZEN,
        "review": (Role.CLERK, Role.SUPERVISOR),
        "verify": (*VERIFIERS, *PARTNERS),
        "seize": Role.ROAD_OFFICER,
        "local_version": (Role.CLERK, *PARTNERS),
        "status_list": Role,  # every role
    }
    # Issuance by phase (rules.py): the 28 cities of 2021-09-01 that the news names, then
    # nationwide from 2022; pilot cities before that are configured by their provinces.
    default_rollout = [
        *(
            RolloutDefault.for_city(city, rules.EXPANSION_FROM, rules.R_EXPANSION, "EXPANSION")
            for city in rules.EXPANSION_CITIES
        ),
        RolloutDefault.nationwide(rules.NATIONWIDE_FROM, note=rules.R_NATIONWIDE_ROLLOUT),
    ]
    settings = [PARTNER_VERIFICATIONS_PER_MINUTE]
    jobs = [
        JobSpec(
            "credentials.status_lists",
            MEASURE,
            "every 15 minutes",
            rebuild_status_lists,
            "Rebuild and sign the credential status lists from the live registries.",
        )
    ]
    reports = [
        ReportSpec(
            f"{MEASURE}.monthly",
            MEASURE,
            "E-licences: applications, issued, verifications",
            "MONTHLY",
            monthly,
            subject_zh="申领、发放与核验",
            column_labels={
                "verifications_partner": "单位核验次数",
                "verifications_staff": "民警核验次数",
                "verifications_rejected": "核验未通过次数",
            },
        )
    ]
    routes = ROUTES
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


plugin = EDrivingLicence()
