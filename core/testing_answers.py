"""Test support for reading GraphQL answers: payload errors and top-level refusals.

A mutation answers a refusal of its rules in its payload's `errors` (`{code field rule ...}`); a
refusal before the resolver runs (no permission, malformed input) is a top-level GraphQL error
whose `extensions` carry the code.
"""

from __future__ import annotations

from typing import Any


def codes(payload: dict[str, Any]) -> list[str]:
    """The codes of a payload's `errors`, in order (empty when it succeeded)."""
    return [e["code"] for e in payload["errors"]]


def first_code(payload: dict[str, Any]) -> str:
    """The code of a payload's first error; AssertionError when it has none."""
    assert payload["errors"], payload
    return payload["errors"][0]["code"]


def top_code(body: dict[str, Any]) -> str:
    """The code of the first top-level GraphQL error of an answer; AssertionError when none."""
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]["code"]


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The payload of mutation `name` in an answer, or its top-level refusal in the same shape:
    `{"errors": [{"code", "field", "rule", "city"}]}` from the error's extensions."""
    data = body.get("data") or {}
    if data.get(name) is not None:
        return data[name]
    ext = body["errors"][0]["extensions"]
    return {
        "errors": [
            {
                "code": ext["code"],
                "field": ext.get("field"),
                "rule": ext.get("rule"),
                "city": ext.get("city"),
            }
        ]
    }
