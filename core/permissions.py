"""Permission rules: which roles may perform which actions.

Every query and mutation names an action (`"<measure>.<operation>"` or `"core.<operation>"`) and is
gated by `requires(action)`. Plugins contribute `PermissionRule`s through `register_permission_rules`.
Evaluation follows datasette: the most specific matching rule wins (an exact action over
`"measure.*"` over `"*"`), a deny beats an allow at the same level, and whatever no rule matches is
denied. Object-level checks (whose data, which jurisdiction) are made by the operation itself with
the context's helpers, after this role check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from core.accounts import Role
from core.errors import RuleError


@dataclass(frozen=True)
class PermissionRule:
    """Allow (or deny) `roles` to perform `action` (exact, `"prefix.*"` or `"*"`)."""

    action: str
    roles: frozenset[Role]
    allow: bool = True
    note: str | None = None

    @classmethod
    def allow_roles(cls, action: str, *roles: Role, note: str | None = None) -> PermissionRule:
        return cls(action, frozenset(roles), True, note)

    @classmethod
    def deny_roles(cls, action: str, *roles: Role, note: str | None = None) -> PermissionRule:
        return cls(action, frozenset(roles), False, note)

    def specificity(self, action: str) -> int:
        if self.action == action:
            return 3
        if self.action.endswith(".*") and action.startswith(self.action[:-1]):
            return 2
        if self.action == "*":
            return 1
        return 0


class PermissionTable:
    """All rules, indexed for a fast answer per (action, role set)."""

    def __init__(self, rules: Iterable[PermissionRule]) -> None:
        self.rules = list(rules)
        self._cache: dict[tuple[str, frozenset[Role]], bool] = {}

    def permits(self, action: str, roles: frozenset[Role]) -> bool:
        key = (action, roles)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        best = 0
        decision = False
        for rule in self.rules:
            level = rule.specificity(action)
            if level == 0 or not (rule.roles & roles):
                continue
            if level > best:
                best, decision = level, rule.allow
            elif level == best and not rule.allow:
                decision = False
        self._cache[key] = decision
        return decision

    def roles_for(self, action: str) -> list[Role]:
        """Every single role that the rules let perform `action` (for docs and the matrix)."""
        return [r for r in Role if self.permits(action, frozenset({r}))]


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="requires")
class RequiresDirective:
    """Shows in the SDL which permission action gates a field."""

    action: str


class Allowed(BasePermission):
    """Strawberry permission: the caller's roles must be allowed `action` by the rule table.
    `qualifier` narrows the roles in the field's generated description ("own city", "audited")."""

    message = "Not allowed."

    def __init__(self, action: str, qualifier: str | None = None) -> None:
        self.action = action
        self.qualifier = qualifier
        self._schema_directive = RequiresDirective(action=action)

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        info.context.check(self.action, info)
        return True


class Gate(PermissionExtension):
    """strawberry's `PermissionExtension` for one `Allowed` action (the `@requires` directive in
    the SDL), checked directly: `Context.check` raises FORBIDDEN / UNAUTHENTICATED itself, so the
    generic loop over permissions and their results is not needed on every call.

    With `measure`, a `RuleError` the resolver raises without naming a measure is named with it
    (a query field's top-level error then says in `extensions.measure` which measure's operation
    refused, as the mutation frame does for a payload's errors); the gate's own refusals are not.
    The core's own fields pass none."""

    def __init__(self, allowed: Allowed, measure: str | None = None) -> None:
        super().__init__(permissions=[allowed], use_directives=True)
        self.action = allowed.action
        self.measure = measure

    def _name(self, error: RuleError, info: Any) -> None:
        if error.measure is None and self.measure in info.context.platform.measures:
            error.measure = self.measure

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        info.context.check(self.action, info)
        try:
            return next_(source, info, **kwargs)
        except RuleError as error:
            self._name(error, info)
            raise

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        info.context.check(self.action, info)
        try:
            return await next_(source, info, **kwargs)
        except RuleError as error:
            self._name(error, info)
            raise


def requires(
    action: str, qualifier: str | None = None, *, names_measure: bool = False
) -> FieldExtension:
    """The field extension that gates a query or mutation by a permission action; the field's
    "Roles:" text is generated from the rules (`describe_roles`), narrowed by `qualifier`.
    `names_measure=True` (a measure's query field): refusals name the action's measure (`Gate`)."""
    measure = action.split(".")[0] if names_measure else None
    return Gate(Allowed(action, qualifier), measure)


def allowed_of(field: Any) -> Allowed | None:
    """The permission gate of a strawberry field, if it has one."""
    for ext in field.extensions:
        if isinstance(ext, PermissionExtension):
            for perm in ext.permissions:
                if isinstance(perm, Allowed):
                    return perm
    return None


ROLES_MARK = "Roles: "


def roles_text(table: PermissionTable, action: str, qualifier: str | None) -> str:
    """ "Roles: CLERK, SUPERVISOR (own city)." for `action`, from the rules."""
    roles = table.roles_for(action)
    if set(roles) == set(Role):
        who = "anyone, signed in or not"
    elif set(roles) == set(Role) - {Role.ANONYMOUS}:
        who = "anyone signed in"
    else:
        who = ", ".join(r.value for r in roles) or "none"
    return f"{ROLES_MARK}{who}{f' ({qualifier})' if qualifier else ''}."


_BASE_DESCRIPTIONS: dict[int, str | None] = {}


def describe_roles(root_types: list[type], table: PermissionTable) -> None:
    """Append the generated "Roles: …" sentence to the description of every gated field of
    `root_types` (idempotent: the plugin's own text is kept apart and the sentence regenerated).
    Descriptions never carry hand-written roles (tests/test_plugin_conventions.py)."""
    for cls in root_types:
        for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            gate = allowed_of(field)
            if gate is None:
                continue
            base = _BASE_DESCRIPTIONS.setdefault(id(field), field.description)
            sentence = roles_text(table, gate.action, gate.qualifier)
            field.description = f"{base.rstrip()} {sentence}" if base else sentence


def gated_actions(schema: strawberry.Schema) -> dict[str, str]:
    """Map "Query.field" / "Mutation.field" to the action that gates it (for tests and docs)."""
    found: dict[str, str] = {}
    for root_name in ("Query", "Mutation"):
        root = schema.get_type_by_name(root_name)
        if root is None:
            continue
        for f in root.fields:  # type: ignore[union-attr]
            name = schema.config.name_converter.get_graphql_name(f)
            gate = allowed_of(f)
            if gate is not None:
                found[f"{root_name}.{name}"] = gate.action
    return found
