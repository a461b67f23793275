"""HTTP benchmark plumbing: one uvicorn worker pinned to core 0, wrk pinned to core 1.

    with serve("bench.apps:graphql_read_app", env) as base_url:
        figures = load(base_url + "/graphql", requests, seconds=10, connections=32)

`requests` is a list of (body bytes, headers dict) that wrk rotates through, so the server sees
different tokens and rows rather than one hot entry. Figures: rps, p50_ms, p99_ms, errors.
Needs `wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pin(core: int) -> list[str]:
    return (
        ["taskset", "-c", str(core)]
        if shutil.which("taskset") and (os.cpu_count() or 1) > 1
        else []
    )


@contextlib.contextmanager
def serve(
    factory: str, env: dict[str, str] | None = None, core: int | None = 0, workers: int = 1
) -> Iterator[str]:
    """Run `uvicorn <factory> --factory` (uvloop, httptools) until the block ends: one worker
    pinned to `core` by default; `core=None` leaves the workers unpinned."""
    port = _free_port()
    cmd = [
        *(_pin(core) if core is not None else []), PY, "-m", "uvicorn", factory, "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--loop", "uvloop",
        "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server {factory} exited with {proc.returncode}")
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


_LUA = """
local bodies = {%(bodies)s}
local headers = {%(headers)s}
local n = #bodies
local i = 0
local threads = {}
bad = 0
function setup(thread)
  table.insert(threads, thread)
end
request = function()
  i = (i %% n) + 1
  return wrk.format("POST", nil, headers[i], bodies[i])
end
marked = 0
local marker = %(marker)s
response = function(status, hdrs, body)
  -- an error answer: a non-200 status, or any non-empty "errors" list (top level or in a payload)
  if status ~= 200 or string.find(body, '"errors":[{', 1, true) then
    bad = bad + 1
  end
  if marker ~= "" and string.find(body, marker, 1, true) then
    marked = marked + 1
  end
end
function done(summary, latency, requests)
  local total, seen = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    seen = seen + t:get("marked")
  end
  io.write("Answers with errors: " .. total .. "\\n")
  io.write("Answers with marker: " .. seen .. "\\n")
end
"""


def _lua_string(value: bytes | str) -> str:
    text = value.decode() if isinstance(value, bytes) else value
    return "[==[" + text + "]==]"


def load(
    url: str,
    requests: list[tuple[bytes, dict[str, str]]],
    seconds: int = 10,
    connections: int = 32,
    core: int = 1,
    marker: str = "",
) -> dict[str, float]:
    """Drive `url` with wrk for `seconds`; return rps, p50_ms, p99_ms, the error count and, with
    `marker`, how many answers contained it (`marked`)."""
    bodies = ",".join(_lua_string(b) for b, _ in requests)
    headers = ",".join(
        "{" + ",".join(f"[ {_lua_string(k)} ]={_lua_string(v)}" for k, v in h.items()) + "}"
        for _, h in requests
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % {"bodies": bodies, "headers": headers, "marker": _lua_string(marker)})
    try:
        done = subprocess.run(
            [
                *_pin(core),
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    if done.stderr.strip():  # a Lua error makes wrk fall back to plain GETs: never measure that
        raise RuntimeError(f"wrk script error: {done.stderr.strip()[:200]}")
    out = done.stdout
    return parse_wrk(out)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Answers with errors: (\d+)", out):
        errors += int(m.group(1))  # non-200 statuses and GraphQL "errors" answers
    elif m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(m.group(1))
    socket_errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        socket_errors = sum(int(x) for x in m.groups())
    figures: dict[str, float] = {
        "rps": round(rps, 1),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "errors": errors,  # answers: non-200 or with a non-empty "errors" list
        "socket_errors": socket_errors,  # wrk connect/read/write errors and 2 s timeouts
    }
    if m := re.search(r"(\d+) requests in", out):
        figures["requests"] = int(m.group(1))
    if m := re.search(r"Answers with marker: (\d+)", out):
        figures["marked"] = int(m.group(1))
    return figures


def best_of(rounds: int, fn) -> dict[str, float]:  # noqa: ANN001
    """Run `fn` `rounds` times and keep the round with the highest rps (machines here are noisy)."""
    results = [fn() for _ in range(rounds)]
    return max(results, key=lambda r: r["rps"])
