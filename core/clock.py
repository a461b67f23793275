"""The one clock every date rule reads. Tests and demos move it; production reads the system time.

All rule dates are Beijing dates (UTC+8): a rule "from 2021-06-01" starts at local midnight.
"""

from __future__ import annotations

import datetime as dt
import threading

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), name="Asia/Shanghai")


class Clock:
    """System time, optionally pinned or shifted (a per-deployment "time machine").

    `set(when)` pins the clock; `advance(delta)` moves a pinned clock; `reset()` returns to real
    time. Thread-safe, since one clock is shared by every request of a process.
    """

    def __init__(self, pinned: dt.datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._pinned = _aware(pinned) if pinned else None

    def now(self) -> dt.datetime:
        """Current instant, timezone-aware (UTC+8)."""
        pinned = self._pinned
        if pinned is not None:
            return pinned
        return dt.datetime.now(CHINA_TZ)

    def today(self) -> dt.date:
        """Current Beijing date: the date every rule uses."""
        return self.now().date()

    def set(self, when: dt.datetime | dt.date | str) -> None:
        if isinstance(when, str):
            when = dt.datetime.fromisoformat(when) if "T" in when else dt.date.fromisoformat(when)
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(9, 0))
        with self._lock:
            self._pinned = _aware(when)

    def advance(self, delta: dt.timedelta) -> None:
        with self._lock:
            self._pinned = (self._pinned or dt.datetime.now(CHINA_TZ)) + delta

    def reset(self) -> None:
        with self._lock:
            self._pinned = None

    @property
    def pinned(self) -> bool:
        return self._pinned is not None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)


def to_china(value: dt.datetime) -> dt.datetime:
    """A stored timestamp (aware UTC) as Beijing time, for answers and date rules."""
    return (
        value.replace(tzinfo=dt.UTC).astimezone(CHINA_TZ)
        if value.tzinfo is None
        else value.astimezone(CHINA_TZ)
    )
