"""A daemon thread that runs one pass of some background work every few seconds.

The embedded audit sequencer (core/audit/sequencer.py) and the SQLite WAL checkpointer
(core/wal_checkpoint.py) run this way inside each server process; the server's lifespan
(core/http.py) starts and stops them.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("traffic.background")


class PeriodicThread:
    """Calls `run_once` every `interval` seconds (measured from one pass's start to the next) in
    a daemon thread named `name`, from `start` until `stop`. A pass that raises is logged and the
    next one runs as planned."""

    name = "periodic"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - keep going; the next pass retries
                log.exception("%s pass failed", self.name)
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
