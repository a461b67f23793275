"""`python3 dev.py serve` passes SIGTERM and SIGINT on to the server it started (review finding:
SIGTERM to dev.py left server.py running and holding the port). The environment is a stand-in
whose `bin/python` runs this interpreter, marked installed, so nothing is fetched."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


@pytest.fixture
def stand_in_venv(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    (venv / ".deps-stamp").write_text(json.dumps({"pyproject": digest, "sets": ["serve"]}))
    return venv


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_dev_py_stops_the_server_and_frees_the_port(stand_in_venv, tmp_path, signum):
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VENV": str(stand_in_venv),
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "LOAD_DEMO": "0",
    }
    dev = subprocess.Popen(
        [sys.executable, "dev.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # as a shell's job: the signal goes to dev.py only
    )
    started: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            assert dev.poll() is None, "dev.py serve ended before serving"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        children = Path(f"/proc/{dev.pid}/task/{dev.pid}/children")
        started = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        dev.send_signal(signum)
        assert dev.wait(timeout=30) in (0, 128 + signum)
        deadline = time.monotonic() + 15
        while _port_taken(port):  # the server went with it
            assert time.monotonic() < deadline, "server.py still holds the port"
            time.sleep(0.2)
    finally:
        if dev.poll() is None:
            dev.kill()
        # whatever is left of what it started (the old behaviour leaves the server running)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(dev.pid, signal.SIGKILL)
        for pid in started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
