"""SIGTERM loses no log line (review finding): the JSON lines are written by a background thread
from a queue (core/observability.py); after SIGTERM uvicorn shuts down and raises the signal
again, which ended the process before the queue was written: the shutdown lines and the last
requests' lines were lost whenever the writer was behind. The app's shutdown now flushes it.

The writer is made to fall behind for certain: stderr is a pipe this test does not read until
well after the signal, so the writer thread blocks on the full pipe while requests and the
shutdown keep logging. The server is started as documented (`uvicorn server:app_factory`)."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import httpx

from core.testing_server import free_port, start_server

REQUESTS = 40
PADDING = "x" * 4000  # each access-log line carries it: 40 lines are far more than a pipe holds


def test_sigterm_writes_every_queued_line_before_the_process_ends(tmp_path):
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/logs.db",
        "APP_PLUGINS": "e_driving_licence",
        "LOAD_DEMO": "0",
    }
    server = start_server(env, port, log_level="info", stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            for n in range(REQUESTS):
                assert http.get(f"/health?n={n}&pad={PADDING}").status_code == 200
        server.send_signal(signal.SIGTERM)
        time.sleep(3)  # the server shuts down while its writer is stuck on the full pipe
        err = server.communicate(timeout=60)[1].decode()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    messages, cut = [], []
    for line in filter(str.strip, err.splitlines()):
        try:
            messages.append(json.loads(line)["msg"])
        except ValueError:
            cut.append(line[:80])  # the process ended in the middle of writing it
    served = [m for m in messages if "GET /health?n=" in m]
    assert len(served) == REQUESTS, f"{REQUESTS - len(served)} access-log lines lost"
    assert not cut, cut
    assert "Shutting down" in messages
    assert messages[-1].startswith("Finished server process"), messages[-3:]
