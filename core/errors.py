"""Typed refusals. Every rule that refuses raises `RuleError`; nothing is written when it does.

A `RuleError` carries a machine code, a human message (Chinese or English), the input field at
fault, and the rule that refused: the measure and the seed clause (e.g. "M09 2021-九-二"), or for
the core's own input, visibility and workflow refusals the core rule (`CORE_RULES`). Mutations
turn it into a `UserError` in their payload; queries turn it into a top-level GraphQL error with
the same fields under `extensions`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from types import MappingProxyType
from typing import Any


class Code:
    """Error codes of the core. Plugins define their own codes in their `errors.py`."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    OUT_OF_JURISDICTION = "OUT_OF_JURISDICTION"
    FEATURE_NOT_ENABLED = "FEATURE_NOT_ENABLED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"
    UNKNOWN_CITY = "UNKNOWN_CITY"
    UNKNOWN_MEASURE = "UNKNOWN_MEASURE"
    INVALID_DATE = "INVALID_DATE"
    TOO_LONG = "TOO_LONG"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    BAD_CREDENTIALS = "BAD_CREDENTIALS"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    AUDIT_LOG_DAMAGED = "AUDIT_LOG_DAMAGED"
    INTERNAL = "INTERNAL_ERROR"


# The rule a core refusal names when the code that raised it names none: bad input, a record the
# caller may not see, a workflow step that is not allowed. A measure's own refusals name their
# seed clause instead.
CORE_RULES: dict[str, str] = {
    Code.INVALID_INPUT: "core: input validation (docs/identifiers.md; limits in schema.graphql)",
    Code.INVALID_ID_NUMBER: "core: identifiers (GB 11643-1999, docs/identifiers.md)",
    Code.INVALID_CREDIT_CODE: "core: identifiers (GB 32100-2015, docs/identifiers.md)",
    Code.UNKNOWN_CITY: "core: administrative divisions (GB/T 2260)",
    Code.UNKNOWN_MEASURE: "core: the measures this deployment runs",
    Code.INVALID_DATE: "core: input validation (ISO 8601 dates)",
    Code.TOO_LONG: "core: input limits (free text)",
    Code.NOT_FOUND: "core: no such record, or none you may see (one answer: no probing)",
    Code.INVALID_TRANSITION: "core: a case moves only along its workflow's steps",
    Code.AUDIT_LOG_DAMAGED: (
        "core: audit log integrity (what is stored of the log contradicts itself; "
        "`python -m core.cli audit-verify` names it)"
    ),
}

# The rule of a write refused because it kept colliding with concurrent requests on a unique key
# (core/context.py `Context.mutate`); other CONFLICT refusals name their own rule, or none.
RULE_CONCURRENT_WRITES = "core: concurrent writes (another request wrote the same record first)"


class ErrorCode(enum.StrEnum):
    """Base of every measure's `<Noun>ErrorCode` enum (its errors.py): a closed set of codes, each
    documented in the plugin's README (tests/test_plugin_conventions.py checks both).

    Most codes always cite the same seed clause. The measure states it once, in its rules.py where
    the clauses are defined, with `cites`; a `RuleError` raised without `rule=` then names it, and
    a raise that refuses under another clause names that one explicitly."""

    @classmethod
    def cites(cls, rules: Mapping[ErrorCode, str]) -> None:
        """Set the rule each listed code cites by default (`{code: "M04 2021-四-二: …"}`).

        Called once, at the end of the measure's rules.py. Raises `ValueError` for a key that is
        not a member of this enum, a rule that is not a non-blank string, or a second table for the
        same enum (a wrong table fails at import, not at a refusal)."""
        if "_cited_rules" in cls.__dict__:
            raise ValueError(f"{cls.__name__}.cites: the table is stated once (rules.py)")
        foreign = [key for key in rules if not isinstance(key, cls)]
        empty = [key for key, rule in rules.items() if not (isinstance(rule, str) and rule.strip())]
        if foreign or empty:
            raise ValueError(f"{cls.__name__}.cites: not members {foreign}, empty rules {empty}")
        type.__setattr__(cls, "_cited_rules", MappingProxyType(dict(rules)))

    @property
    def rule(self) -> str | None:
        """The seed clause this code cites when its raise names none (`cites`), else None."""
        cited: Mapping[ErrorCode, str] = getattr(type(self), "_cited_rules", {})
        return cited.get(self)


@dataclass
class RuleError(Exception):
    """A refusal with a reason. Raise it anywhere inside an operation; the host rolls back."""

    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    measure: str | None = None
    city: str | None = None
    date: dt.date | None = None
    details: dict[str, Any] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if self.rule is None:
            self.rule = (
                self.code.rule if isinstance(self.code, ErrorCode) else CORE_RULES.get(self.code)
            )

    def extensions(self) -> dict[str, Any]:
        """The fields a client reads from a top-level GraphQL error."""
        ext: dict[str, Any] = {"code": self.code}
        for key in ("field", "rule", "measure", "city"):
            value = getattr(self, key)
            if value is not None:
                ext[key] = value
        if self.date is not None:
            ext["date"] = self.date.isoformat()
        if self.details:
            ext["details"] = self.details
        return ext


class NotAuthenticated(RuleError):
    def __init__(self, message: str = "Sign in first.") -> None:
        super().__init__(Code.UNAUTHENTICATED, message)


class Forbidden(RuleError):
    def __init__(self, message: str = "You may not do this.", rule: str | None = None) -> None:
        super().__init__(Code.FORBIDDEN, message, rule=rule)


class NotFound(RuleError):
    def __init__(self, what: str, field: str | None = None) -> None:
        super().__init__(Code.NOT_FOUND, f"{what} not found.", field=field)


def invalid(field: str, message: str, code: str = Code.INVALID_INPUT) -> RuleError:
    """A bad-input refusal naming the field."""
    return RuleError(code, message, field=field)
