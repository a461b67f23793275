"""The running platform: everything built once at start-up and shared by every request."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
import strawberry
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.auth.tokens import TokenService
from core.calendar import HolidayCalendar
from core.clock import Clock
from core.db import make_engine
from core.documents.keys import KeyRing
from core.errors import Code, RuleError
from core.graphql.compose import build_schema
from core.graphql.executor import GraphQLExecutor
from core.notices import NoticeTemplate
from core.permissions import PermissionRule, PermissionTable, describe_roles
from core.plugin_api import (
    AdapterSpec,
    JobSpec,
    MeasureInfo,
    ReportSpec,
    SettingSpec,
    StatusSourceSpec,
    TicketSourceSpec,
)
from core.plugin_host import LoadedPlugin, PluginError, collect, load_plugins
from core.ratelimit import RateLimiter
from core.reports import report_problem
from core.rollout import RolloutDefault, RolloutService, seed_defaults
from core.settings import Settings
from core.settings_store import SettingsStore, check_declaration
from core.tables import check_schema, create_schema  # every core table, too
from core.workflow import Workflow

log = logging.getLogger("traffic.platform")


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    clock: Clock
    calendar: HolidayCalendar
    pm: pluggy.PluginManager
    plugins: list[LoadedPlugin]
    measures: dict[str, MeasureInfo]
    permissions: PermissionTable
    rollout: RolloutService
    rollout_defaults: dict[str, list[RolloutDefault]]
    settings_store: SettingsStore
    adapters: dict[str, Any]
    reports: dict[str, ReportSpec]
    jobs: dict[str, JobSpec]
    status_sources: dict[str, StatusSourceSpec]  # by credential kind
    notices: dict[str, NoticeTemplate]  # by name
    workflows: dict[str, Workflow]  # by name
    routes: list[Any]
    keys: KeyRing
    tokens: TokenService
    schema: strawberry.Schema
    executor: GraphQLExecutor
    limiter: RateLimiter = field(default_factory=RateLimiter)
    ticket_sources: dict[str, TicketSourceSpec] = field(default_factory=dict)  # by measure

    def measure(self, slug: str, field: str = "measure") -> MeasureInfo:
        """The measure `slug` names. Raises RuleError UNKNOWN_MEASURE on `field` when this
        deployment runs no such measure."""
        info = self.measures.get(slug)
        if info is None:
            raise RuleError(Code.UNKNOWN_MEASURE, f"Unknown measure {slug[:40]!r}.", field=field)
        return info

    def adapter(self, name: str) -> Any:
        try:
            return self.adapters[name]
        except KeyError:
            raise LookupError(f"no adapter named {name!r}") from None


def build_platform(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    plugins: Iterable[str] | None = None,
    extra_plugins: Iterable[ModuleType | Any] = (),
    create_tables: bool = True,
) -> Platform:
    """Load plugins, compose the schema, connect the database and seed defaults (idempotent)."""
    settings = settings or Settings.from_env()
    clock = clock or Clock()
    selected = plugins if plugins is not None else settings.plugins
    pm, loaded = load_plugins(selected, extra_plugins)

    measures: dict[str, MeasureInfo] = {}
    for plugin, info in collect(pm, "register_measure"):
        if info.slug in measures:
            raise PluginError(
                f"plugin {plugin!r} registers measure {info.slug!r}, already registered"
            )
        taken = next((m for m in measures.values() if m.code == info.code), None)
        if taken is not None:
            raise PluginError(
                f"plugin {plugin!r} registers measure code {info.code!r}, already taken by "
                f"{taken.slug!r} (`python -m core.cli plugins` lists the codes taken)"
            )
        measures[info.slug] = info

    rules: list[PermissionRule] = [
        r for _, rs in collect(pm, "register_permission_rules") for r in rs
    ]
    defaults: dict[str, list[RolloutDefault]] = {}
    for plugin, rows in collect(pm, "register_default_rollout"):
        defaults.setdefault(plugin, []).extend(rows)  # a measure's slug is its plugin's name
    specs: dict[str, dict[str, SettingSpec]] = {}
    for plugin, rows in collect(pm, "register_settings"):
        for spec in rows:
            try:
                check_declaration(spec)
            except ValueError as exc:
                raise PluginError(f"plugin {plugin!r}: {exc}") from None
        specs.setdefault(plugin, {}).update({s.key: s for s in rows})

    engine = engine or make_engine(settings.database_url)
    if create_tables:
        create_schema(engine)
    check_schema(engine)  # StaleSchema: migrations not run
    with Session(engine) as session:
        seed_defaults(session, defaults)
        session.commit()

    keys = KeyRing(engine)
    keys.ensure(clock.now())
    tokens = TokenService(keys, clock, settings.issuer, settings.audience)

    plugin_modules = {p.name: p.module.__name__ for p in loaded}
    permissions = PermissionTable(rules)
    describe_roles(
        [t for name in ("register_query_types", "register_mutation_types")
         for _, ts in collect(pm, name) for t in ts],
        permissions,
    )  # fmt: skip
    schema = build_schema(
        collect(pm, "register_query_types"),
        collect(pm, "register_mutation_types"),
        collect(pm, "register_types"),
        plugin_modules,
    )
    platform = Platform(
        settings=settings,
        engine=engine,
        clock=clock,
        calendar=HolidayCalendar(),
        pm=pm,
        plugins=loaded,
        measures=measures,
        permissions=permissions,
        rollout=RolloutService(engine, settings.rollout_cache_seconds),
        rollout_defaults=defaults,
        settings_store=SettingsStore(engine, specs, settings.rollout_cache_seconds),
        adapters={},
        reports={},
        jobs={},
        status_sources={},
        notices={},
        workflows={},
        routes=[r for _, rs in collect(pm, "register_routes") for r in rs],
        keys=keys,
        tokens=tokens,
        schema=schema,
        executor=GraphQLExecutor(schema._schema, settings),
        limiter=_limiter(settings),
    )
    platform.adapters = _adapters(collect(pm, "register_adapters"), platform)
    platform.reports = _unique(collect(pm, "register_reports"), "report")
    for plugin, reports in collect(pm, "register_reports"):
        for report in reports:
            if problem := report_problem(report):
                raise PluginError(f"plugin {plugin!r}: {problem}")
    platform.jobs = _unique(collect(pm, "register_jobs"), "job")
    for plugin, specs in collect(pm, "register_jobs"):
        for job in specs:
            try:
                _ = job.cron_fields
            except ValueError as exc:
                raise PluginError(f"plugin {plugin!r}: {exc}") from None
    platform.notices = _unique(collect(pm, "register_notice_templates"), "notice")
    for plugin, templates in collect(pm, "register_notice_templates"):
        for template in templates:
            if plugin != "core" and template.measure != plugin:
                raise PluginError(
                    f"plugin {plugin!r} declares notice {template.name!r} of another measure"
                )
    platform.workflows = _unique(collect(pm, "register_workflows"), "workflow")
    for plugin, flows in collect(pm, "register_workflows"):
        for flow in flows:
            if flow.measure != plugin:
                raise PluginError(
                    f"plugin {plugin!r} declares workflow {flow.name!r} of another measure"
                )
    platform.status_sources = _unique(
        collect(pm, "register_status_sources"), "the status source of credential kind"
    )
    platform.ticket_sources = _unique(
        collect(pm, "register_ticket_sources"), "the office tickets of measure"
    )
    for plugin, sources in collect(pm, "register_ticket_sources"):
        for source in sources:
            if source.measure != plugin:
                raise PluginError(
                    f"plugin {plugin!r} declares office tickets of measure {source.measure!r}"
                )
    return platform


def _limiter(settings: Settings) -> RateLimiter:
    limiter = RateLimiter(settings.redis_url, settings.rate_limit_prefix)
    if limiter.shared and not limiter.check_store():
        log.warning("REDIS_URL is set but Redis does not answer: rate limits count per process")
    elif not limiter.shared and settings.production:
        log.warning("REDIS_URL is not set: rate limits count per worker process")
    return limiter


def _adapters(
    contributions: list[tuple[str, list[AdapterSpec]]], platform: Platform
) -> dict[str, Any]:
    chosen: dict[str, tuple[str, AdapterSpec]] = {}
    for plugin, specs in contributions:
        for spec in specs:
            if spec.name in chosen and not spec.replaces:
                raise PluginError(
                    f"plugins {chosen[spec.name][0]!r} and {plugin!r} both provide adapter {spec.name!r} "
                    "(set replaces=True to override)"
                )
            chosen[spec.name] = (plugin, spec)
    return {name: spec.factory(platform) for name, (_, spec) in chosen.items()}


def _unique(contributions: list[tuple[str, list[Any]]], what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for plugin, items in contributions:
        for item in items:
            if item.name in found:
                raise PluginError(
                    f"plugins {owner[item.name]!r} and {plugin!r} both define {what} {item.name!r}"
                )
            found[item.name] = item
            owner[item.name] = plugin
    return found
