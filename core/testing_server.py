"""Test support for tests that need the real server process: `uvicorn server:app_factory`, as
docs/deployment.md starts it, on a free port of 127.0.0.1.

    port = free_port()
    server = start_server({"DATABASE_URL": url, "LOAD_DEMO": "0"}, port)
    ...  # http://127.0.0.1:{port}; server.send_signal(...), server.kill()

For a platform of the test's own, served from a thread of the test process, use the `serve`
fixture (conftest.py) instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    env: dict[str, str],
    port: int,
    *,
    log_level: str = "warning",
    stderr: int | IO[Any] | None = subprocess.DEVNULL,
    timeout: float = 60,
) -> subprocess.Popen[bytes]:
    """Start the server process with `env` over this process's environment and wait until
    `/health` answers 200; AssertionError (the process killed) when it does not in `timeout` s
    or exits first. stdout is discarded; `stderr` (its JSON log lines) as given."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server:app_factory", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    process.wait(10)
    raise AssertionError("the server did not start")
