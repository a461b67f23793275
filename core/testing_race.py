"""Test support for races: several GraphQL calls released at the same instant.

`race(env, [(who, query, variables), ...])` posts every call from its own thread, each with its
own test client, all held at a barrier until every thread is ready; it returns the answers' JSON
in the order of the calls. Tests then check that exactly one call won (a conditional UPDATE, a
row lock or a unique index did its job) and what the others were told.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from starlette.testclient import TestClient

from core.http import create_app
from core.testing import Env

Call = tuple[Any, str, dict[str, Any]]
"""(who, query, variables): `who` is anything `Env.token` accepts (an account ref, an Account,
an (org, client) pair, a raw token, or None for an anonymous call)."""


def race(env: Env, calls: Sequence[Call], timeout: float = 60.0) -> list[dict[str, Any]]:
    """Post each call from its own thread and client, all released together by a barrier.

    Tokens are made before the threads start. Returns each call's JSON answer, in the order of
    `calls`. Raises AssertionError when a call did not finish within `timeout` seconds or did not
    answer HTTP 200."""
    tokens = [env.token(who) for who, _, _ in calls]
    barrier = threading.Barrier(len(calls))
    responses: list[Any] = [None] * len(calls)

    def worker(i: int) -> None:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        _, query, variables = calls[i]
        headers = {"authorization": f"Bearer {tokens[i]}"} if tokens[i] else {}
        barrier.wait(timeout=timeout)
        responses[i] = client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    for i, response in enumerate(responses):
        assert response is not None, f"call {i} did not answer within {timeout} s"
        assert response.status_code == 200, response.text
    return [response.json() for response in responses]


def outcome(payload: dict[str, Any]) -> str:
    """ "OK" when a mutation payload has no `errors`, else the code of its first error."""
    return payload["errors"][0]["code"] if payload["errors"] else "OK"
