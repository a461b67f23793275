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
from core.api.queries import CoreQuery
from core.api.reports import ReportsQuery
from core.api.settings import SettingsQuery
from core.hookspecs import hookimpl
from core.notices import CORE_TEMPLATES, NoticeTemplate
from core.outbox import TableSender, deliver
from core.permissions import PermissionRule
from core.plugin_api import AdapterSpec, JobSpec

EVERYONE = tuple(Role)
SIGNED_IN = tuple(r for r in Role if r is not Role.ANONYMOUS)
ADMINS = (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN)


@hookimpl
def register_query_types() -> list[type]:
    return [CoreQuery, AuditQuery, SettingsQuery, NoticesQuery, ReportsQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [CoreMutation, AdminMutation, ApplicationMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    allow = PermissionRule.allow_roles
    return [
        allow("core.public", *EVERYONE, note="public reference data"),
        allow("core.sign_in", *EVERYONE, note="sign-in is open to everyone (rate-limited)"),
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
            "core.person_lookup",
            Role.CLERK,
            Role.SUPERVISOR,
            Role.ROAD_OFFICER,
            Role.ACCIDENT_OFFICER,
            Role.INSPECTOR,
        ),
        allow("core.report_read", Role.SUPERVISOR, *ADMINS),
    ]


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return [*CORE_TEMPLATES, reports.DELIVERED]


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
        )
    ]


def _deliver_outbox(platform: Any, now: dt.datetime) -> dict[str, Any]:
    report = deliver(platform.engine, platform.adapter("notification_sender"), now)
    return {"sent": report.sent, "failed": report.failed}


def _audit_sequence(platform: Any, now: dt.datetime) -> dict[str, Any]:
    from core.audit import sequence_all

    done = sequence_all(platform.engine, platform.keys, now)
    return {"integrated": sum(r.added for r in done), "logs": len(done)}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "outbox_deliver", None, "every minute", _deliver_outbox, "Send pending notifications."
        ),
        JobSpec(
            "audit_sequence",
            None,
            "continuously (every second; the server runs it in-process by default)",
            _audit_sequence,
            "Integrate committed audit events into each log's Merkle tree and sign tree heads.",
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
