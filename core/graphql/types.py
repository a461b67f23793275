"""GraphQL types shared by the core and every plugin."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.errors import RuleError


@strawberry.type(description="Why an operation was refused. Nothing was written.")
class UserError:
    code: str = strawberry.field(description="Machine-readable code, e.g. FEATURE_NOT_ENABLED.")
    message: str
    field: str | None = strawberry.field(default=None, description="The input field at fault.")
    rule: str | None = strawberry.field(
        default=None, description="The rule and seed clause that refused, e.g. 'M09 2021-九-二'."
    )
    measure: str | None = strawberry.field(
        default=None,
        description="The measure (plugin slug) whose rule or operation refused; null for the core's.",
    )
    city: str | None = None
    date: dt.date | None = None
    retry_after_seconds: float | None = strawberry.field(
        default=None,
        description="For RATE_LIMITED: seconds until the window has room again (RFC 9110 "
        "Retry-After, as a number).",
    )

    @classmethod
    def of(cls, error: RuleError) -> UserError:
        return cls(
            code=error.code,
            message=error.message,
            field=error.field,
            rule=error.rule,
            measure=error.measure,
            city=error.city,
            date=error.date,
            retry_after_seconds=error.details.get("retryAfterSeconds"),
        )


@strawberry.type(description="Pagination state of a list.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
