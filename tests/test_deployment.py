"""The documented production command behaves as documented (issue "Hardening, round 2", items 9
and 10).

The command is read from docs/deployment.md and run as it stands (2 workers instead of 4, a free
port, a temporary SQLite database prepared with the documented db-migrate / db-init, one Redis with
a key prefix of its own, 127.0.0.2 as the trusted proxy). Then, through real sockets:

- the rate limits are global across the two workers, and a spoofed X-Forwarded-For from an
  untrusted peer changes nothing while the trusted proxy's is honoured;
- every line the processes write is a JSON object; a request's lines carry its request id; an
  unexpected error is one ERROR line with the id, a client leaving mid-body one INFO line;
- every registered job is in the crontab the CLI prints (the deployment guide shows how to install it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.db import make_engine
from core.platform import build_platform
from core.ratelimit import RateLimiter
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deployment.md"
REDIS_URL = "redis://127.0.0.1:6379/0"
PROXY = "127.0.0.2"  # connections from here come from "the proxy"; 127.0.0.1 is a direct client
SIGN_IN = 'mutation($l: String!) { signIn(login: $l, password: "x") { errors { code } } }'


def _documented_command() -> tuple[dict[str, str], list[str]]:
    """The env assignments and argv of the `uvicorn server:app_factory` block of the doc."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.S)
    block = next(b for b in blocks if "uvicorn server:app_factory" in b)
    words = shlex.split(block.replace("\\\n", " "))
    env = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    port: int
    database: Path
    log_paths: tuple[Path, Path]

    def lines(self) -> list[str]:
        out = []
        for path in self.log_paths:
            out += [line for line in path.read_text().splitlines() if line.strip()]
        return out

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]

    def wait_for(self, predicate, timeout: float = 10.0) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [r for r in self.records() if predicate(r)]
            if found:
                return found
            time.sleep(0.1)
        return []

    def client(self, source: str = "127.0.0.1") -> httpx.Client:
        """A client whose connections come from `source` (any 127/8 address on Linux), one
        connection per request so the kernel spreads them over both workers."""
        transport = httpx.HTTPTransport(
            local_address=source, limits=httpx.Limits(max_keepalive_connections=0)
        )
        return httpx.Client(base_url=self.base, transport=transport, timeout=30)


def _redis_up() -> bool:
    return RateLimiter(REDIS_URL, f"probe-{uuid.uuid4().hex}").check_store()


# without Redis the server still runs (each worker counts in memory), but limits are per worker
needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("deployment")
    database = tmp / "traffic.db"
    env_doc, argv = _documented_command()
    assert argv[0] == "uvicorn" and "--factory" in argv and "--workers" in argv
    prefix = f"traffic-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        **env_doc,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_PREFIX": prefix,
        "TRUSTED_PROXIES": PROXY,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    assert env_doc["APP_MODE"] == "production" and "REDIS_URL" in env_doc
    assert "TRUSTED_PROXIES" in env_doc
    for step in (["db-migrate"], ["db-init"]):  # as the doc says, before the workers start
        subprocess.run(
            [sys.executable, "-m", "core.cli", *step],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    argv = list(argv)
    argv[argv.index("--port") + 1] = str(port)
    argv[argv.index("--workers") + 1] = "2"
    out, err = tmp / "stdout.log", tmp / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    running = Server(f"http://127.0.0.1:{port}", port, database, (out, err))
    try:
        started = running.wait_for(
            lambda r: r.get("msg") == "Application startup complete.", timeout=120
        )
        deadline = time.time() + 120
        while len(started) < 2 and time.time() < deadline and process.poll() is None:
            time.sleep(0.2)
            started = [
                r for r in running.records() if r.get("msg") == "Application startup complete."
            ]
        assert len(started) == 2, "two workers did not start:\n" + "\n".join(running.lines())
        yield running
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if _redis_up():
            RateLimiter(REDIS_URL, prefix).reset()


def _sign_in(client: httpx.Client, login: str, headers: dict[str, str] | None = None) -> tuple:
    response = client.post(
        "/graphql", json={"query": SIGN_IN, "variables": {"l": login}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    code = response.json()["data"]["signIn"]["errors"][0]["code"]
    return code, response.headers["x-request-id"].split("-")[0]


@needs_redis
def test_limit_is_global_across_workers_and_ignores_a_spoofed_forwarded_for(server):
    """From 127.0.0.1 (not a trusted proxy), 40 sign-ins with 40 logins and 40 different
    X-Forwarded-For values, 8 at a time over both workers: 30 a minute in all (not 30 each),
    and the header changes nothing."""

    def attempt(i: int) -> tuple:
        with server.client() as client:
            return _sign_in(client, f"spray{i}", {"x-forwarded-for": f"203.0.113.{i}"})

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(40)))
    codes = [code for code, _ in results]
    assert codes.count("BAD_CREDENTIALS") == 30 and codes.count("RATE_LIMITED") == 10
    workers = {prefix for _, prefix in results}  # a generated request id names its worker
    assert len(workers) == 2, f"one worker served everything: {workers}"


@needs_redis
def test_the_trusted_proxy_forwarded_for_is_honoured(server):
    with server.client(PROXY) as proxy:
        for i in range(30):
            code, _ = _sign_in(proxy, f"p{i}", {"x-forwarded-for": f"192.0.2.{i}, 198.51.100.1"})
            assert code == "BAD_CREDENTIALS", i
        # 198.51.100.1 has used its 30; what the client put in front of it does not matter
        assert _sign_in(proxy, "p30", {"x-forwarded-for": "192.0.2.99, 198.51.100.1"})[0] == (
            "RATE_LIMITED"
        )
        # another client behind the proxy has its own budget
        assert _sign_in(proxy, "p31", {"x-forwarded-for": "198.51.100.2"})[0] == ("BAD_CREDENTIALS")


def test_every_line_is_json_and_requests_carry_their_id(server):
    with server.client(PROXY) as client:
        response = client.post(
            "/graphql",
            json={"query": SIGN_IN, "variables": {"l": "someone"}},
            headers={"x-request-id": "req-json-1", "x-forwarded-for": "198.51.100.20"},
        )
    assert response.headers["x-request-id"] == "req-json-1"
    logged = server.wait_for(lambda r: r.get("request_id") == "req-json-1")
    assert logged and logged[0]["operation"] == "mutation:signIn"
    loggers = {r["logger"] for r in server.records()}
    assert loggers >= {"uvicorn.error", "traffic.request"}
    assert "uvicorn.access" not in loggers  # --no-access-log holds
    for line in server.lines():
        assert isinstance(json.loads(line), dict), line  # raises on a plain-text line


def test_an_unexpected_error_is_one_json_line_with_the_request_id(server):
    with sqlite3.connect(server.database) as db:  # the accounts table goes away for a moment
        db.execute("ALTER TABLE accounts RENAME TO accounts_away")
    try:
        with server.client(PROXY) as client:
            response = client.post(
                "/graphql",
                json={"query": SIGN_IN, "variables": {"l": "someone"}},
                headers={"x-request-id": "req-err-1", "x-forwarded-for": "198.51.100.30"},
            )
    finally:
        with sqlite3.connect(server.database) as db:
            db.execute("ALTER TABLE accounts_away RENAME TO accounts")
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "req-err-1"}
    assert "accounts" not in response.text
    logged = server.wait_for(lambda r: r.get("request_id") == "req-err-1" and "exc" in r)
    assert len(logged) == 1 and logged[0]["level"] == "ERROR"
    assert "OperationalError" in logged[0]["exc"]
    for line in server.lines():
        json.loads(line)


def test_a_client_leaving_mid_body_is_one_info_line(server):
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\nX-Request-ID: req-gone-1\r\n\r\n"
            b'{"query": "mutation { signIn('
        )
        time.sleep(0.3)
    logged = server.wait_for(lambda r: r.get("request_id") == "req-gone-1")
    assert [(r["level"], r["msg"]) for r in logged] == [("INFO", "client disconnected mid-body")]
    records = server.records()
    assert not [r for r in records if r["level"] == "ERROR" and r.get("request_id") != "req-err-1"]
    assert not [line for line in server.lines() if line.startswith("Traceback")]


def test_the_crontab_command_schedules_every_job(capsys, monkeypatch):
    """`python -m core.cli crontab` lists every scheduled job of the installed measures with its
    schedule, and the daily audit check (a missing audit job once let a cut-off tail go
    unnoticed); long-running jobs are documented beside it. A new measure's jobs appear without
    editing the docs."""
    from core import cli

    platform = build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    monkeypatch.setattr(cli, "_platform", lambda **_: platform)
    assert cli.main(["crontab"]) == 0
    listed = {}
    for line in capsys.readouterr().out.splitlines():
        m = re.match(r"(\S+ \S+ \S+ \S+ \S+)\s+python -m core\.cli (job (\S+)|audit-verify)", line)
        if m:
            listed[m.group(3) or "audit-verify"] = m.group(1)
    assert listed.pop("audit-verify") == "30 3 * * *"
    scheduled = {n: job for n, job in platform.jobs.items() if job.cron_fields is not None}
    assert listed == {n: job.cron_fields for n, job in scheduled.items()}
    assert (
        listed["outbox_deliver"] == "* * * * *" and listed["unit_accounts_cleanup"] == "0 2 * * *"
    )
    assert "python -m core.cli crontab" in DOC.read_text()
    for name in set(platform.jobs) - set(scheduled):  # long-running: documented in deployment.md
        assert f"job {name}" in DOC.read_text(), name


@pytest.mark.parametrize(
    ("schedule", "fields"),
    [("every minute", "* * * * *"), ("every 15 minutes", "*/15 * * * *"), ("hourly", "0 * * * *"),
     ("daily 08:05", "5 8 * * *"), ("continuously (the API workers)", None)],
)  # fmt: skip
def test_job_schedules_and_their_crontab_fields(schedule, fields):
    from core.plugin_api import JobSpec

    assert JobSpec("j", None, schedule, lambda p, n: {}).cron_fields == fields


@pytest.mark.parametrize("schedule", ["weekly", "daily 8:00", "daily 24:00", "every 0x10 minutes"])
def test_a_job_with_an_unknown_schedule_fails_start_up_naming_its_plugin(schedule):
    import types

    from core.hookspecs import hookimpl
    from core.plugin_api import JobSpec
    from core.plugin_host import PluginError

    odd = types.ModuleType("odd_plugin")
    odd.PLUGIN_NAME = "odd_plugin"
    odd.register_jobs = hookimpl(lambda: [JobSpec("odd_job", None, schedule, lambda p, n: {})])
    with pytest.raises(PluginError, match="plugin 'odd_plugin': job 'odd_job'"):
        build_platform(
            Settings(database_url="sqlite://"), engine=make_engine("sqlite://"), extra_plugins=[odd]
        )
