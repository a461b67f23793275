"""The core registered as a plugin: its GraphQL operations, permission rules, adapters and jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import reports
from core.accounts import STAFF_ROLES, Role
from core.api.admin import AdminMutation
from core.api.applications import ApplicationMutation
from core.api.audit import AuditQuery
from core.api.mutations import CoreMutation
from core.api.notices import NoticesQuery
from core.api.partner_onboarding import PartnerOnboardingMutation, PartnerOnboardingQuery
from core.api.queries import CoreQuery
from core.api.reports import ReportsQuery
from core.api.settings import SettingsQuery
from core.api.tickets import TicketMutation, TicketQuery
from core.api.trusted_documents import TrustedDocumentMutation, TrustedDocumentQuery
from core.hookspecs import hookimpl
from core.monitoring import service as monitoring
from core.monitoring import webhooks
from core.monitoring.api import MonitoringMutation, MonitoringQuery
from core.notices import CORE_TEMPLATES, NoticeTemplate
from core.outbox import TableSender, deliver
from core.permissions import PermissionRule
from core.plugin_api import AdapterSpec, JobSpec
from core.tickets import TEMPLATES as TICKET_TEMPLATES
from core.tickets import TICKET_WORKFLOW, escalate_overdue
from core.workflow import Workflow

EVERYONE = tuple(Role)
SIGNED_IN = tuple(r for r in Role if r is not Role.ANONYMOUS)
ADMINS = (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN)
PARTNERS = tuple(r for r in Role if r.value.startswith("PARTNER_"))
# partners that may monitor a holder's licence with their consent (core/monitoring)
MONITORING_PARTNERS = (Role.PARTNER_INSURER, Role.PARTNER_RENTAL, Role.PARTNER_EMPLOYER)
OFFICE = (Role.CLERK, Role.SUPERVISOR)


@hookimpl
def register_query_types() -> list[type]:
    return [
        CoreQuery,
        AuditQuery,
        SettingsQuery,
        NoticesQuery,
        MonitoringQuery,
        TicketQuery,
        ReportsQuery,
        PartnerOnboardingQuery,
        TrustedDocumentQuery,
    ]


@hookimpl
def register_mutation_types() -> list[type]:
    return [
        CoreMutation,
        AdminMutation,
        ApplicationMutation,
        TrustedDocumentMutation,
        PartnerOnboardingMutation,
        MonitoringMutation,
        TicketMutation,
    ]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    return [
        allow("core.public", *EVERYONE, note="public reference data"),
        allow("core.sign_in", *EVERYONE, note="sign-in is open to everyone (rate-limited)"),
        allow(
            "core.partner_token_create",
            *EVERYONE,
            note="a partner client's sign-in: open to everyone (rate-limited)",
        ),
        allow("core.register", *EVERYONE, note="registration is open to everyone (rate-limited)"),
        allow("core.register_confirm", *EVERYONE, note="the SMS code of a registration"),
        allow("core.me", *SIGNED_IN),
        allow("core.my_records", Role.CITIZEN),
        allow("core.my_notices", *SIGNED_IN, note="what the platform told the caller"),
        allow("core.application_withdraw", Role.CITIZEN, note="their own applications"),
        allow("core.rollout_read", *ADMINS),
        allow("core.rollout_set", *ADMINS, note="province admins: their own province"),
        allow("core.measure_setting_set", *ADMINS, note="province admins: their own province"),
        allow("core.account_status_set", *ADMINS, note="province admins: their province's staff"),
        allow(
            "core.partner_status_set", *ADMINS, note="province admins: their province's partners"
        ),
        allow(
            "core.partner_manage",
            *ADMINS,
            note="national admins: any partner; province admins: their province's partners",
        ),
        allow(
            "core.person_lookup",
            Role.CLERK,
            Role.SUPERVISOR,
            Role.ROAD_OFFICER,
            Role.ACCIDENT_OFFICER,
            Role.INSPECTOR,
        ),
        allow("core.report_read", Role.SUPERVISOR, *ADMINS),
        allow(
            "core.trusted_document_register",
            *PARTNERS,
            *ADMINS,
            note="partners with the scope documents:register: their own firm; admins: the "
            "firms of their jurisdiction",
        ),
        allow(
            "core.trusted_document_manage",
            *PARTNERS,
            *ADMINS,
            note="partners with the scope documents:register: their own firm; admins: the "
            "firms of their jurisdiction",
        ),
        allow("core.monitoring_partners", Role.CITIZEN, note="registered partners only"),
        allow("core.monitoring_read_own", Role.CITIZEN, note="their own grants"),
        allow("core.monitoring_grant", Role.CITIZEN, note="their own licence"),
        allow("core.monitoring_revoke", Role.CITIZEN, note="their own grants"),
        allow("core.monitoring_partner_read", *MONITORING_PARTNERS, note="their organisation's"),
        allow("core.monitoring_endpoint_set", *MONITORING_PARTNERS, note="registered partners"),
        allow(
            "core.monitoring_register", *ADMINS, note="province admins: their province's partners"
        ),
        # office tickets (core/tickets.py): the two offices' staff; the province once escalated
        allow(
            "core.office_ticket_read",
            *OFFICE,
            Role.PROVINCE_ADMIN,
            note="the two offices' cities; province admins: escalated tickets of their province",
        ),
        *(allow(f"core.office_ticket_{step}", *OFFICE, note=note) for step, note in (
            ("raise", "the transfer-out or transfer-in office of the application"),
            ("acknowledge", "the office the ticket was raised to"),
            ("answer", "the office the ticket was raised to"),
            ("reopen", "the raising office"),
            ("resolve", "the raising office"),
            ("escalate", "the raising office"),
        )),
        allow(
            "core.office_ticket_decide",
            Role.PROVINCE_ADMIN,
            note="escalated tickets touching their province",
        ),
    ]  # fmt: skip


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return [*CORE_TEMPLATES, *TICKET_TEMPLATES, reports.DELIVERED]


@hookimpl
def register_workflows() -> list[Workflow]:
    return [TICKET_WORKFLOW]


@hookimpl
def register_routes() -> list[Any]:
    from core.web import core_routes

    return core_routes()


@hookimpl
def register_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            "notification_sender",
            lambda platform: TableSender(),
            "Sends outbox messages (SMS / app). Built-in: writes to the sent_messages table.",
        ),
        AdapterSpec(
            "webhook_transport",
            lambda platform: webhooks.transport(),
            "The HTTP client of monitoring webhooks (httpx.Client: 5 s timeout, no redirects).",
        ),
    ]


def _deliver_outbox(platform: Any, now: dt.datetime) -> dict[str, Any]:
    report = deliver(platform.engine, platform.adapter("notification_sender"), now)
    return {"sent": report.sent, "failed": report.failed}


def _monitoring_scan(platform: Any, now: dt.datetime) -> dict[str, Any]:
    report = monitoring.scan(platform.engine, now)
    return {"checked": report.checked, "queued": report.queued, "expired": report.expired}


def _deliver_webhooks(platform: Any, now: dt.datetime) -> dict[str, Any]:
    report = webhooks.deliver_webhooks(
        platform.engine,
        platform.adapter("webhook_transport"),
        now,
        production=platform.settings.production,
    )
    return {"sent": report.sent, "failed": report.failed, "cancelled": report.cancelled}


def _audit_sequence(platform: Any, now: dt.datetime) -> dict[str, Any]:
    from core.audit import sequence_all

    done = sequence_all(platform.engine, platform.keys, now)
    refused = {r.log_id: r.refused for r in done if r.refused is not None}
    return {
        "integrated": sum(r.added for r in done),
        "logs": len({r.log_id for r in done if r.refused is None}),
        "refused": refused,  # damaged logs, not extended (run audit-verify)
    }


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "outbox_deliver", None, "every minute", _deliver_outbox, "Send pending notifications."
        ),
        JobSpec(
            "monitoring_scan",
            None,
            "every minute",
            _monitoring_scan,
            "Queue a webhook for every licence change a monitoring grant covers; end expired grants.",
        ),
        JobSpec(
            "webhook_deliver",
            None,
            "every minute",
            _deliver_webhooks,
            "Post due monitoring webhooks (Standard Webhooks), retried with backoff.",
        ),
        JobSpec(
            "audit_sequence",
            None,
            "continuously (every second; the server runs it in-process by default)",
            _audit_sequence,
            "Integrate committed audit events into each log's Merkle tree and sign tree heads.",
        ),
        JobSpec(
            "office_ticket_escalation",
            None,
            "hourly",
            escalate_overdue,
            "Escalate office tickets unanswered past their day to the province; close answers "
            "not contested by theirs (2021-二-四, 2024-二-三).",
        ),
        JobSpec(
            "report_deliver",
            None,
            "daily 07:00",
            reports.deliver_due,
            "Deliver the reports the seeds ask for on schedule (weekly, monthly) to the staff "
            "they name, through the outbox (core/reports.py).",
        ),
    ]


__all__ = ["STAFF_ROLES"]
