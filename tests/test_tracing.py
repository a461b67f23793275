"""Tracing (issue 17 item 5): off by default; when on, one trace per request (the request span,
the operation span named after the operation, resolver and SQL spans) and no personal data in
any attribute of any span (core/tracing.py)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.testclient import TestClient

from core import tracing
from core.db import make_engine
from core.http import create_app
from core.platform import build_platform
from core.settings import Settings
from core.testing import PlatformPool, at

SIGN_IN = """mutation SignIn($login: String!, $password: String!) {
  signIn(login: $login, password: $password) { token errors { code } } }"""
ME = "query Me { me { kind person { name idNumber(unmasked: true) } } }"
LOOKUP = """query Lookup($n: String!) {
  personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "窗口业务核验") { name } }"""


class _OnePlatform(PlatformPool):
    def __init__(self, pool: PlatformPool, platform) -> None:
        super().__init__(pool.engine, pool.settings)
        self.platform = platform

    def get(self, plugins, extra=()):
        return self.platform


@pytest.fixture
def traced(pool):
    """A core-only world on its own engine, served by an app traced into memory."""
    engine = make_engine(pool.settings.database_url)
    platform = build_platform(
        Settings(database_url=pool.settings.database_url, rollout_cache_seconds=3600),
        engine=engine,
        plugins=(),
        create_tables=False,
    )
    env = _OnePlatform(pool, platform).fresh_env((), at("2024-09-02"))
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    env.http = TestClient(create_app(platform, tracer_provider=provider))
    yield env, exporter
    tracing.untrace_engines()
    engine.dispose()


def _bearer(env, who) -> dict[str, str]:
    return {"authorization": f"Bearer {env.token(who)}"}


def test_tracing_is_off_by_default(core_env, monkeypatch):
    monkeypatch.delenv("TRACING", raising=False)
    assert Settings.from_env().tracing == "off"
    assert tracing.provider_for("off") is None
    app = create_app(core_env.platform)
    assert app.build_middleware_stack().__class__.__name__ == "RequestScope"
    monkeypatch.setenv("TRACING", "jaeger")
    with pytest.raises(ValueError, match="TRACING"):
        Settings.from_env()
    monkeypatch.setenv("TRACING", "console")
    assert Settings.from_env().tracing == "console"


def test_one_trace_per_request_with_the_operation_name_and_no_personal_data(traced):
    env, exporter = traced
    zhang = env.refs["zhang"]
    password = "demo-pass-1"
    answer = env.http.post(
        "/graphql",
        json={"query": SIGN_IN, "variables": {"login": zhang.phone, "password": password}},
    )
    issued = answer.json()["data"]["signIn"]["token"]
    assert issued
    me = env.http.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {issued}"}
    )
    assert me.json()["data"]["me"]["person"]["name"] == zhang.name
    clerk = _bearer(env, "clerk")
    lookup = env.http.post(
        "/graphql", json={"query": LOOKUP, "variables": {"n": zhang.id_number}}, headers=clerk
    )
    assert lookup.json()["data"]["personLookup"]["name"] == zhang.name
    inline = LOOKUP.replace("query Lookup($n: String!)", "").replace("$n", f'"{zhang.id_number}"')
    assert env.http.post("/graphql", json={"query": inline}, headers=clerk).json()["data"]
    get = env.http.get(
        "/graphql",
        params={
            "query": LOOKUP.replace("query Lookup", "query ByGet"),
            "variables": json.dumps({"n": zhang.id_number}),
        },
        headers=clerk,
    )
    assert get.json().get("data"), get.text
    assert get.json()["data"]["personLookup"]["name"] == zhang.name

    spans = exporter.get_finished_spans()
    traces: dict[int, list] = defaultdict(list)
    for span in spans:
        traces[span.context.trace_id].append(span)
    assert len(traces) == 5, [s.name for s in spans]  # one trace per request, nothing outside
    names = []
    for members in traces.values():
        roots = [s for s in members if s.parent is None]
        assert len(roots) == 1 and roots[0].name in ("POST /graphql", "GET /graphql")
        ids = {s.context.span_id for s in members}
        assert all(s.parent is None or s.parent.span_id in ids for s in members)
        operation = [s for s in members if "graphql.operation.name" in (s.attributes or {})]
        assert len(operation) == 1
        names.append(operation[0].attributes["graphql.operation.name"])
        assert any("db.statement" in (s.attributes or {}) for s in members), "SQL spans"
    assert names == ["SignIn", "Me", "Lookup", "query:personLookup", "ByGet"]
    resolvers = {s.name for s in spans if s.name.startswith("GraphQL Resolving")}
    assert {"GraphQL Resolving: signIn", "GraphQL Resolving: personLookup"} <= resolvers

    secrets = {
        zhang.id_number,
        zhang.id_number[-6:],
        zhang.name,
        zhang.phone,
        password,
        issued,
        clerk["authorization"][7:],
        "窗口业务核验",
    }
    for span in spans:
        for key, value in (span.attributes or {}).items():
            text = str(value)
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"span {span.name!r} attribute {key}={text[:80]!r} leaks {leaked}"
            assert not key.startswith("graphql.param"), key
        assert not any(s in span.name for s in secrets), span.name


def test_background_work_makes_no_span_and_an_idle_server_exports_nothing(traced):
    """Review finding: the embedded audit sequencer's passes (a thread, every half second) each
    made root traces of `SELECT audit_events.seq ...` spans, hundreds a minute. Background work
    is not traced: only a request's statements make spans."""
    import time

    from core.audit import AuditSequencer, sequence_all

    env, exporter = traced
    platform = env.platform
    with env.http:  # the lifespan runs: the embedded sequencer thread starts
        assert platform.settings.audit_sequencer == "embedded"
        time.sleep(1.6)  # three sequencer passes, no request
        assert exporter.get_finished_spans() == ()
        # a request that writes an audit event, then the sequencer integrates it
        answer = env.http.post(
            "/graphql",
            json={
                "query": SIGN_IN,
                "variables": {"login": env.refs["zhang"].phone, "password": "demo-pass-1"},
            },
        )
        assert answer.json()["data"]["signIn"]["token"]
        time.sleep(1.1)
    # a pass run directly (as the sequencer does, outside any request) adds no span either
    sequence_all(platform.engine, platform.keys, platform.clock.now())
    sequencer = AuditSequencer(platform, interval=0.05)
    sequencer.start()
    time.sleep(0.3)
    sequencer.stop()
    spans = exporter.get_finished_spans()
    traces = {span.context.trace_id for span in spans}
    assert len(traces) == 1, [s.name for s in spans]  # the sign-in's trace, nothing else
    roots = [s for s in spans if s.parent is None]
    assert [r.name for r in roots] == ["POST /graphql"]
    assert any("db.statement" in (s.attributes or {}) for s in spans)


def test_tracing_on_without_its_packages_stops_start_up_naming_the_extra(tmp_path):
    """Review finding: TRACING=console in a venv without the `tracing` extra crashed at start with
    a raw `ModuleNotFoundError: No module named 'opentelemetry'`. Start-up now stops with one line
    that names the extra and how to install it."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    script = textwrap.dedent(
        """
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "opentelemetry":
                    raise ModuleNotFoundError("No module named 'opentelemetry'", name=name)
        sys.meta_path.insert(0, Block())
        import server
        from core.http import create_app
        create_app(server.make_platform(load_demo=False))
        print("started")
        """
    )
    root = Path(__file__).resolve().parent.parent
    for mode in ("console", "otlp"):
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path}/t.db",
            "PATH": "/usr/bin:/bin",
            "TRACING": mode,
        }
        run = subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 1 and "started" not in run.stdout
        last = run.stderr.strip().splitlines()[-1]
        assert last.startswith(f"error: TRACING={mode} needs the `tracing` extra"), run.stderr
        assert "pip install '.[tracing]'" in last and "opentelemetry-sdk" in last
        assert "Traceback" not in run.stderr, run.stderr[-2000:]
