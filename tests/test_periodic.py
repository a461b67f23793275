"""The background-pass thread shared by the audit sequencer and the WAL checkpointer."""

from __future__ import annotations

import logging
import time

from core.periodic import PeriodicThread


class Flaky(PeriodicThread):
    name = "flaky"

    def __init__(self) -> None:
        super().__init__(interval=0.01)
        self.passes = 0

    def run_once(self) -> None:
        self.passes += 1
        if self.passes == 1:
            raise RuntimeError("first pass fails")


def test_a_failing_pass_is_logged_and_the_next_passes_run(caplog):
    thread = Flaky()
    with caplog.at_level(logging.ERROR, logger="traffic.background"):
        thread.start()
        deadline = time.monotonic() + 5
        while thread.passes < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        thread.stop()
    assert thread.passes >= 3
    assert [r.getMessage() for r in caplog.records] == ["flaky pass failed"]
    stopped_at = thread.passes
    time.sleep(0.05)
    assert thread.passes == stopped_at  # stop() ends the passes
