"""A measure plugin declared as one class, in the spirit of Django's `AppConfig`.

Most of a measure's hook wiring only hands the core a value (its `MeasureInfo`, its query and
mutation types, its reports...). Instead of one `@hookimpl` function per hook, a plugin's
`__init__.py` declares those values as class attributes of a `MeasurePlugin` subclass and exposes
one instance as `plugin`; `core.plugin_host` registers that object with pluggy:

    class MortgageCheck(MeasurePlugin):
        info = MeasureInfo(MEASURE, "M10", "Mortgage information checked online", ...)
        query_types = [schema.MortgageQuery]
        mutation_types = [schema.MortgageMutation]
        permissions = {"file": LENDERS, "party": Role.CITIZEN}  # -> "<slug>.file", "<slug>.party"
        default_rollout = [RolloutDefault.nationwide(EFFECTIVE, note="...")]
        demo_data = demo  # a module whose load(session, demo) adds the demo data

    plugin = MortgageCheck()

Each attribute answers one hook (the table below); an attribute left at None answers nothing,
exactly as if the hook were not implemented. A hook whose answer must be computed when it is
called is still a method with `@hookimpl` on the subclass (it replaces the declared attribute).
Plugins written the older way, with module-level `@hookimpl` functions, keep working
(docs/example_plugin.py).

| attribute          | hook                        | value                                     |
| ------------------ | --------------------------- | ----------------------------------------- |
| `info`             | `register_measure`          | `MeasureInfo`                             |
| `query_types`      | `register_query_types`      | strawberry types merged into `Query`      |
| `mutation_types`   | `register_mutation_types`   | strawberry types merged into `Mutation`   |
| `types`            | `register_types`            | extra strawberry types                    |
| `permissions`      | `register_permission_rules` | {action suffix: a `Role` or roles}        |
| `default_rollout`  | `register_default_rollout`  | `RolloutDefault`s                         |
| `settings`         | `register_settings`         | `SettingSpec`s                            |
| `adapters`         | `register_adapters`         | `AdapterSpec`s                            |
| `reports`          | `register_reports`          | `ReportSpec`s                             |
| `jobs`             | `register_jobs`             | `JobSpec`s                                |
| `workflows`        | `register_workflows`        | `Workflow`s                               |
| `notice_templates` | `register_notice_templates` | `NoticeTemplate`s                         |
| `status_sources`   | `register_status_sources`   | `StatusSourceSpec`s                       |
| `ticket_sources`   | `register_ticket_sources`   | `TicketSourceSpec`s                       |
| `routes`           | `register_routes`           | Starlette routes                          |
| `demo_data`        | `load_demo_data`            | a module (or object) with `load(session, demo)` |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from core.accounts import Role
from core.hookspecs import hookimpl
from core.permissions import PermissionRule

if TYPE_CHECKING:
    from sqlmodel import Session

    from core.demo import DemoWorld
    from core.notices import NoticeTemplate
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

Roles = Role | Iterable[Role]
"""One role, or several (a tuple, or `Role` itself for every role)."""


def _listed(values: Sequence[Any] | None) -> list[Any] | None:
    """A fresh list of a declared sequence (so no caller can change the class attribute), or
    None for an attribute left undeclared (the hook then answers nothing)."""
    return None if values is None else list(values)


def _role_tuple(roles: Roles) -> tuple[Role, ...]:
    """`roles` as a tuple: a single `Role` (a StrEnum, so iterable itself) is one role."""
    return (roles,) if isinstance(roles, Role) else tuple(roles)


_MARK = f"{hookimpl.project_name}_impl"  # the attribute pluggy's @hookimpl sets on a function


class MeasurePlugin:
    """The declarative base of a measure plugin (see the module docstring for the attributes).

    Subclass it, set the attributes the measure needs, and expose one instance as `plugin` in the
    plugin's `__init__.py`. `permissions` needs `info` (its slug prefixes every action).
    """

    info: ClassVar[MeasureInfo | None] = None
    query_types: ClassVar[Sequence[type] | None] = None
    mutation_types: ClassVar[Sequence[type] | None] = None
    types: ClassVar[Sequence[type] | None] = None
    permissions: ClassVar[Mapping[str, Roles] | None] = None
    default_rollout: ClassVar[Sequence[RolloutDefault] | None] = None
    settings: ClassVar[Sequence[SettingSpec] | None] = None
    adapters: ClassVar[Sequence[AdapterSpec] | None] = None
    reports: ClassVar[Sequence[ReportSpec] | None] = None
    jobs: ClassVar[Sequence[JobSpec] | None] = None
    workflows: ClassVar[Sequence[Workflow] | None] = None
    notice_templates: ClassVar[Sequence[NoticeTemplate] | None] = None
    status_sources: ClassVar[Sequence[StatusSourceSpec] | None] = None
    ticket_sources: ClassVar[Sequence[TicketSourceSpec] | None] = None
    routes: ClassVar[Sequence[Any] | None] = None
    demo_data: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse an override of a hook method that lost its `@hookimpl` mark (pluggy would
        silently skip it, and the declared attribute would be ignored too)."""
        super().__init_subclass__(**kwargs)
        for name, value in vars(cls).items():
            if name in _HOOK_METHODS and not hasattr(value, _MARK):
                raise TypeError(f"{cls.__name__}.{name} overrides a hook: mark it @hookimpl")

    def action(self, suffix: str) -> str:
        """The permission action `"<slug>.<suffix>"` of this measure.

        Raises ValueError when the plugin declares no `info` (so no slug)."""
        if self.info is None:
            raise ValueError(f"{type(self).__name__} declares permissions but no info (slug)")
        return f"{self.info.slug}.{suffix}"

    def permission_rules(self) -> list[PermissionRule]:
        """`permissions` expanded, in declaration order: each suffix allowed to its roles with
        `PermissionRule.allow_roles(f"{slug}.{suffix}", *roles)`."""
        return [
            PermissionRule.allow_roles(self.action(suffix), *_role_tuple(roles))
            for suffix, roles in (self.permissions or {}).items()
        ]

    @hookimpl
    def register_measure(self) -> MeasureInfo | None:
        return self.info

    @hookimpl
    def register_query_types(self) -> list[type] | None:
        return _listed(self.query_types)

    @hookimpl
    def register_mutation_types(self) -> list[type] | None:
        return _listed(self.mutation_types)

    @hookimpl
    def register_types(self) -> list[type] | None:
        return _listed(self.types)

    @hookimpl
    def register_permission_rules(self) -> list[PermissionRule] | None:
        return None if self.permissions is None else self.permission_rules()

    @hookimpl
    def register_default_rollout(self) -> list[RolloutDefault] | None:
        return _listed(self.default_rollout)

    @hookimpl
    def register_settings(self) -> list[SettingSpec] | None:
        return _listed(self.settings)

    @hookimpl
    def register_adapters(self) -> list[AdapterSpec] | None:
        return _listed(self.adapters)

    @hookimpl
    def register_reports(self) -> list[ReportSpec] | None:
        return _listed(self.reports)

    @hookimpl
    def register_jobs(self) -> list[JobSpec] | None:
        return _listed(self.jobs)

    @hookimpl
    def register_workflows(self) -> list[Workflow] | None:
        return _listed(self.workflows)

    @hookimpl
    def register_notice_templates(self) -> list[NoticeTemplate] | None:
        return _listed(self.notice_templates)

    @hookimpl
    def register_status_sources(self) -> list[StatusSourceSpec] | None:
        return _listed(self.status_sources)

    @hookimpl
    def register_ticket_sources(self) -> list[TicketSourceSpec] | None:
        return _listed(self.ticket_sources)

    @hookimpl
    def register_routes(self) -> list[Any] | None:
        return _listed(self.routes)

    @hookimpl
    def load_demo_data(self, session: Session, demo: DemoWorld) -> None:
        if self.demo_data is not None:
            self.demo_data.load(session, demo)


_HOOK_METHODS = frozenset(
    name for name, value in vars(MeasurePlugin).items() if hasattr(value, _MARK)
)
