"""Input checks shared by every operation: each refusal names the field."""

from __future__ import annotations

import datetime as dt

from core.errors import Code, RuleError


def require_text(field: str, value: str | None, max_len: int, min_len: int = 1) -> str:
    """Non-empty text of at most `max_len` characters, without control characters."""
    if value is None or len(value.strip()) < min_len:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is required.", field=field)
    if len(value) > max_len:
        raise RuleError(
            Code.TOO_LONG, f"`{field}` is longer than {max_len} characters.", field=field
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise RuleError(Code.INVALID_INPUT, f"`{field}` contains control characters.", field=field)
    return value.strip()


def optional_text(field: str, value: str | None, max_len: int) -> str | None:
    if value is None or not value.strip():
        return None
    return require_text(field, value, max_len)


def require_date_order(start_field: str, start: dt.date, end_field: str, end: dt.date) -> None:
    if end < start:
        raise RuleError(
            Code.INVALID_DATE, f"`{end_field}` is before `{start_field}`.", field=end_field
        )


def require_range(field: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise RuleError(
            Code.INVALID_INPUT, f"`{field}` must be between {low} and {high}.", field=field
        )
    return value
