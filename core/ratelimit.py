"""Per-caller rate limits (token buckets), in memory per worker process.

With several workers each keeps its own buckets, so the effective limit is at most
workers x limit; deployments that need one global limit put it in the reverse proxy or swap this
class for a Redis-backed one with the same interface.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from core.errors import Code, RuleError


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def hit(
        self, name: str, caller: str, capacity: int, per_seconds: float, field: str | None = None
    ) -> None:
        """Take one token from the caller's bucket `name`; refuse RATE_LIMITED when empty."""
        now = time.monotonic()
        rate = capacity / per_seconds
        with self._lock:
            bucket = self._buckets.get((name, caller))
            if bucket is None:
                bucket = self._buckets[(name, caller)] = _Bucket(float(capacity), now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens < 1:
                retry = (1 - bucket.tokens) / rate
                raise RuleError(
                    Code.RATE_LIMITED,
                    f"Too many attempts; try again in {retry:.0f} s.",
                    field=field,
                    details={"retryAfterSeconds": round(retry, 1)},
                )
            bucket.tokens -= 1

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
