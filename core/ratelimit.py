"""Per-caller rate limits, shared by every worker through Redis (in memory when there is none).

The counting is the `limits` library's moving window (https://limits.readthedocs.io): a limit of
`capacity` per `per_seconds` admits at most `capacity` hits in any window of that length.

- With `REDIS_URL` set, the windows live in Redis under the key prefix `RATE_LIMIT_PREFIX`
  (default "traffic"), so every worker process and every machine of a deployment counts together.
  `reset()` deletes only keys under that prefix.
- Without it (the embedded default: one process, SQLite) they live in this process's memory.
- If Redis stops answering, hits fall back to this process's memory (limits then count per
  process, never not at all), one warning is logged, and Redis is tried again after
  `RETRY_SECONDS`; a line is logged when it answers again. Failing closed instead would turn a
  Redis outage into an outage of sign-in and of every partner verification.

Callers are hashed before they become keys, so logins, phone numbers and ID numbers are not
readable in Redis by name (a convenience, not secrecy: the hash is unkeyed).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from core.errors import Code, RuleError

log = logging.getLogger("traffic.ratelimit")

RETRY_SECONDS = 10.0  # after a Redis failure, use memory this long before trying Redis again
REDIS_TIMEOUT_SECONDS = 0.5  # connect and read timeout of one Redis call


class RateLimiter:
    """`hit(name, caller, capacity, per_seconds)`: take one hit or refuse RATE_LIMITED.

    `redis_url`: "redis://host:6379/0" (shared by all workers) or None (this process only);
    `prefix`: the Redis key prefix, one per deployment (and per test run) sharing a Redis.
    """

    def __init__(self, redis_url: str | None = None, prefix: str = "traffic") -> None:
        self.prefix = prefix
        self._memory_storage = MemoryStorage()
        self._memory = MovingWindowRateLimiter(self._memory_storage)
        self._redis_storage: RedisStorage | None = None
        self._redis: MovingWindowRateLimiter | None = None
        if redis_url:
            self._redis_storage = RedisStorage(
                redis_url,
                key_prefix=prefix,
                wrap_exceptions=True,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._redis = MovingWindowRateLimiter(self._redis_storage)
        self._redis_down_until = 0.0  # time.monotonic() until which Redis is not asked
        self._degraded = False  # Redis failed and has not answered since
        self._lock = threading.Lock()
        self._items: dict[tuple[str, int, int], RateLimitItem] = {}

    @property
    def shared(self) -> bool:
        """True when the limits are kept in Redis (shared by every worker)."""
        return self._redis is not None

    def check_store(self) -> bool:
        """Whether the shared store answers (True when there is none to ask)."""
        if self._redis_storage is None:
            return True
        try:
            return bool(self._redis_storage.check())
        except Exception:  # noqa: BLE001 - check() is a probe; any failure means "not reachable"
            return False

    def hit(
        self, name: str, caller: str, capacity: int, per_seconds: float, field: str | None = None
    ) -> None:
        """Count one hit of `caller` against the limit `name` (`capacity` per `per_seconds`
        seconds, rounded up to whole seconds). Raises RuleError RATE_LIMITED (with `field` and
        `details.retryAfterSeconds`) when the window is full; a refused hit is not counted."""
        item = self._item(name, capacity, per_seconds)
        key = _caller_key(caller)
        limiter = self._limiter()
        try:
            allowed = limiter.hit(item, key)
            stats = None if allowed else limiter.get_window_stats(item, key)
            if self._degraded and limiter is self._redis:
                self._redis_recovered()
        except StorageError as error:
            self._redis_failed(error)
            limiter = self._memory
            allowed = limiter.hit(item, key)
            stats = None if allowed else limiter.get_window_stats(item, key)
        if stats is not None:
            retry = max(1.0, stats.reset_time - time.time())
            raise RuleError(
                Code.RATE_LIMITED,
                f"Too many attempts; try again in {retry:.0f} s.",
                field=field,
                details={"retryAfterSeconds": round(retry, 1)},
            )

    def reset(self) -> None:
        """Forget every window of this limiter (in Redis: only keys under its prefix)."""
        self._memory_storage.reset()
        if self._redis_storage is not None:
            self._redis_storage.reset()

    def _item(self, name: str, capacity: int, per_seconds: float) -> RateLimitItem:
        seconds = max(1, math.ceil(per_seconds))
        found = self._items.get((name, capacity, seconds))
        if found is None:
            found = self._items[(name, capacity, seconds)] = RateLimitItemPerSecond(
                capacity, seconds, namespace=name
            )
        return found

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._redis is None or time.monotonic() < self._redis_down_until:
            return self._memory
        return self._redis

    def _redis_failed(self, error: StorageError) -> None:
        with self._lock:
            self._redis_down_until = time.monotonic() + RETRY_SECONDS
            first, self._degraded = not self._degraded, True
        if first:
            log.warning(
                "rate-limit store: Redis unreachable, counting in this process until it answers",
                extra={"error": type(error.storage_error).__name__},
            )

    def _redis_recovered(self) -> None:
        with self._lock:
            was, self._degraded = self._degraded, False
        if was:
            log.warning("rate-limit store: Redis answers again, limits are shared again")


def _caller_key(caller: str) -> str:
    return hashlib.blake2b(caller.encode("utf-8", "replace"), digest_size=16).hexdigest()
