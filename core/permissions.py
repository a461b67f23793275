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
    """Strawberry permission: the caller's roles must be allowed `action` by the rule table."""

    message = "Not allowed."

    def __init__(self, action: str) -> None:
        self.action = action
        self._schema_directive = RequiresDirective(action=action)

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        info.context.check(self.action, info)
        return True


def requires(action: str) -> FieldExtension:
    """The field extension that gates a query or mutation by a permission action."""
    return PermissionExtension(permissions=[Allowed(action)], use_directives=True)


def gated_actions(schema: strawberry.Schema) -> dict[str, str]:
    """Map "Query.field" / "Mutation.field" to the action that gates it (for tests and docs)."""
    found: dict[str, str] = {}
    for root_name in ("Query", "Mutation"):
        root = schema.get_type_by_name(root_name)
        if root is None:
            continue
        for f in root.fields:  # type: ignore[union-attr]
            name = schema.config.name_converter.get_graphql_name(f)
            for ext in f.extensions:
                if isinstance(ext, PermissionExtension):
                    for perm in ext.permissions:
                        if isinstance(perm, Allowed):
                            found[f"{root_name}.{name}"] = perm.action
    return found
