"""Health, readiness, metrics and JSON logs without personal data."""

import json
import logging

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
