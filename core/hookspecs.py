"""The one hook contract between the core and the plugins (pluggy).

Every hook collects something at start-up, so every hook is named `register_*` (plus
`load_demo_data`, which writes the demo data set). A plugin implements the hooks it needs with
`@hookimpl` and exactly these parameter names; a misspelled hook name or an unknown parameter fails
start-up naming the plugin. Hooks are called with keyword arguments; none is `firstresult`: every
plugin's answer is collected. The core's own features are registered on the same hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from sqlmodel import Session

    from core.demo import DemoWorld
    from core.notices import NoticeTemplate
    from core.permissions import PermissionRule
    from core.plugin_api import (
        AdapterSpec,
        JobSpec,
        MeasureInfo,
        ReportSpec,
        SettingSpec,
        StatusSourceSpec,
        TicketSourceSpec,
    )
    from core.rollout import RolloutDefault
    from core.workflow import Workflow

PROJECT = "traffic_admin"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_measure() -> MeasureInfo | None:
    """Describe the measure this plugin implements: slug, code (M01-M20), titles, seed clause.

    Return None from a plugin that is not a measure (the core, an adapter pack).
    """


@hookspec
def register_query_types() -> list[type]:
    """Strawberry types whose fields are merged into the root `Query` type.

    Every field must be gated with `extensions=[requires("<action>")]`.
    """


@hookspec
def register_mutation_types() -> list[type]:
    """Strawberry types whose fields are merged into the root `Mutation` type.

    Mutations return a payload with `errors: [UserError!]!` and run through `Context.mutate`.
    """


@hookspec
def register_types() -> list[type]:
    """Extra strawberry types the schema must know although no field returns them directly
    (implementations of an interface, union members)."""


@hookspec
def register_permission_rules() -> list[PermissionRule]:
    """Permission rules for this plugin's actions (role x action -> allow / deny)."""


@hookspec
def register_default_rollout() -> list[RolloutDefault]:
    """Default rollout rules of this measure: the seeds' pilot cities and dates, nationwide dates."""


@hookspec
def register_settings() -> list[SettingSpec]:
    """Configuration options of this measure that a province (or city) may override."""


@hookspec
def register_adapters() -> list[AdapterSpec]:
    """External data sources or senders behind a name, with a built-in table-backed implementation.

    A later-registered plugin (e.g. a third-party package) may replace an adapter by name with
    `replaces=True`.
    """


@hookspec
def register_reports() -> list[ReportSpec]:
    """Reports this measure contributes: figures per city and period (weekly, monthly)."""


@hookspec
def register_jobs() -> list[JobSpec]:
    """Scheduled jobs (reminders, overdue checks, clean-ups), run by the operator CLI or a scheduler."""


@hookspec
def register_workflows() -> list[Workflow]:
    """The state machines this measure runs (core/workflow.py): states, final states, transitions
    with who takes them and the notice each sends; applications: `application_workflow(MEASURE,
    notices={...})`."""


@hookspec
def register_notice_templates() -> list[NoticeTemplate]:
    """The notices this measure sends (core/notices.py): name `<measure>.<event>`, text, channel."""


@hookspec
def register_status_sources() -> list[StatusSourceSpec]:
    """How each kind of credential this measure issues gets its status in the status lists."""


@hookspec
def register_ticket_sources() -> list[TicketSourceSpec]:
    """The measures whose applications two offices settle with office tickets (core/tickets.py):
    which two offices an application is between, the seed clause, the time to answer."""


@hookspec
def register_routes() -> list[Any]:
    """Extra Starlette routes (web pages, file downloads) this plugin serves."""


@hookspec
def load_demo_data(session: Session, demo: DemoWorld) -> None:
    """Add this measure's part of the demo data set (deterministic; called once on an empty database)."""
