"""Health, readiness, metrics and JSON logs without personal data."""

import json
import logging
import os
import re

from core.observability import JsonFormatter


def test_health_and_ready(core_env):
    assert core_env.http.get("/health").json() == {"status": "ok"}
    assert core_env.http.get("/ready").json()["status"] == "ready"


def test_metrics_count_operations_and_error_codes(core_env):
    core_env.gql("{ cities { code } }")
    core_env.gql('{ measuresInForce(city: "999999") { inForce } }')
    text = core_env.http.get("/metrics").text
    assert 'traffic_operation_seconds_count{operation="query:cities"}' in text
    assert 'traffic_graphql_errors_total{code="UNKNOWN_CITY"}' in text
    assert "traffic_requests_total" in text


def test_metrics_token(core_env, monkeypatch):
    monkeypatch.setenv("METRICS_TOKEN", "s3cret-token")
    assert core_env.http.get("/metrics").status_code == 401
    assert (
        core_env.http.get("/metrics", headers={"authorization": "Bearer s3cret-token"}).status_code
        == 200
    )


def test_mutation_log_line_is_json_with_request_id_and_no_personal_data(core_env, caplog):
    zhang = core_env.refs["zhang"]
    with caplog.at_level(logging.INFO, logger="traffic.request"):
        core_env.http.post(
            "/graphql",
            json={
                "query": 'mutation($n: String!) { signIn(login: $n, password: "x") { token } }',
                "variables": {"n": zhang.id_number},
            },
            headers={"x-request-id": "req-123"},
        )
    records = [r for r in caplog.records if r.name == "traffic.request"]
    assert records, "a mutation is logged"
    line = JsonFormatter().format(records[-1])
    data = json.loads(line)
    assert data["request_id"] == "req-123" and data["operation"] == "mutation:signIn"
    assert zhang.id_number not in line and zhang.name not in line


def test_unexpected_error_outside_graphql_is_a_json_500_logged_once(core_env, caplog):
    """An exception in any route (here a plugin route that fails) answers a JSON 500 with the
    request id and is logged once, as a record carrying that id, not by the server as a bare
    traceback."""
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from core.http import create_app

    async def failing(request):
        raise RuntimeError("secret detail: /work/main/core/x.py")

    platform = core_env.platform
    platform.routes.append(Route("/failing", failing))
    try:
        client = TestClient(create_app(platform), raise_server_exceptions=True)
        with caplog.at_level(logging.INFO):
            response = client.get("/failing", headers={"x-request-id": "req-500"})
    finally:
        platform.routes.pop()
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-500"
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": "INTERNAL_ERROR", "requestId": "req-500"},
            }
        ]
    }
    assert "secret" not in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].request_id == "req-500"
    data = json.loads(JsonFormatter().format(errors[0]))
    assert data["exc_type"] == "RuntimeError" and data["request_id"] == "req-500"


def test_a_request_id_that_could_forge_log_lines_is_replaced(core_env):
    response = core_env.http.get("/health", headers={"x-request-id": 'x"\n{"level":"ERROR"}'})
    assert response.headers["x-request-id"] != 'x"\n{"level":"ERROR"}'
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9]+", generated), generated  # worker prefix, count
    assert str(os.getpid()) not in generated  # no process id to tell a client about the host


def test_a_client_leaving_mid_body_runs_nothing(core_env, caplog):
    """ASGI-level: the body never completes; no operation runs and nothing is logged as an
    error (tests/test_deployment.py does the same over a real socket)."""
    import asyncio

    from core.http import create_app

    app = create_app(core_env.platform)
    sent: list[dict] = []
    messages = iter(
        [
            {"type": "http.request", "body": b'{"query": "mutation { sig', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"x-request-id", b"req-gone")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    with caplog.at_level(logging.INFO):
        asyncio.run(app(scope, receive, send))
    assert sent == []
    lines = [(r.levelname, r.getMessage(), r.request_id) for r in caplog.records]
    assert lines == [("INFO", "client disconnected mid-body", "req-gone")]


def test_a_forked_worker_draws_its_own_request_id_prefix():
    """Workers forked from one parent (a pre-forking server) must not share the prefix, or
    their request ids would collide."""
    from core.http import request_id_of

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child writes the prefix of an id it generates, and leaves at once
        os.write(write, request_id_of({"headers": []}).split("-")[0].encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    parent = request_id_of({"headers": []}).split("-")[0]
    assert re.fullmatch(r"[0-9a-f]{8}", child) and child != parent
