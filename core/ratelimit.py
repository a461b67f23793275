"""Per-caller rate limits, shared by every worker through Redis (in memory when there is none).

The counting is the `limits` library's (https://limits.readthedocs.io): a limit of `capacity` per
`per_seconds` admits at most `capacity` hits in any window of that length. Up to `EXACT_UP_TO`
hits a window (sign-in, registration, codes: the limits that stop guessing) it is the moving
window, exact; above (the partners' verification limits, millions a minute) it is the sliding
window counter, which weights the previous fixed window by its overlap instead of keeping one
timestamp per hit: constant memory and time, about right rather than exact.

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
from typing import Any

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import (
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.strategies import (
    RateLimiter as Strategy,
)

from core.errors import Code, RuleError

log = logging.getLogger("traffic.ratelimit")

RETRY_SECONDS = 10.0  # after a Redis failure, use memory this long before trying Redis again
REDIS_TIMEOUT_SECONDS = 0.5  # connect and read timeout of one Redis call


class _MemoryStorage(MemoryStorage):
    """The `limits` in-memory storage, with its clean-up of expired windows run at most once per
    `EXPIRY_INTERVAL` seconds. The library starts a new timer thread 10 ms after every hit whose
    previous timer has finished: under load, a thread per 10 ms, about 70 µs of every hit on a
    partner verification. Expired windows are already ignored when read (`get` checks the expiry);
    the timer only frees their memory, which can wait a second."""

    EXPIRY_INTERVAL = 1.0

    def __init__(self) -> None:
        self._next_expiry = 0.0
        super().__init__()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides the private hook
        now = time.monotonic()
        if now < self._next_expiry or self.timer.is_alive():
            return
        self._next_expiry = now + self.EXPIRY_INTERVAL
        self.timer = threading.Timer(self.EXPIRY_INTERVAL, self._MemoryStorage__expire_events)
        self.timer.daemon = True
        self.timer.start()


EXACT_UP_TO = 1000  # hits per window counted exactly (moving window); above: sliding counter


class _Strategies:
    """The two `limits` strategies over one storage, chosen per limit by its capacity."""

    def __init__(self, storage: Any) -> None:
        self.exact = MovingWindowRateLimiter(storage)
        self.approximate = SlidingWindowCounterRateLimiter(storage)

    def pick(self, item: RateLimitItem) -> Strategy:
        return self.exact if item.amount <= EXACT_UP_TO else self.approximate


class RateLimiter:
    """`hit(name, caller, capacity, per_seconds)`: take one hit or refuse RATE_LIMITED.

    `redis_url`: "redis://host:6379/0" (shared by all workers) or None (this process only);
    `prefix`: the Redis key prefix, one per deployment (and per test run) sharing a Redis.
    """

    def __init__(self, redis_url: str | None = None, prefix: str = "traffic") -> None:
        self.prefix = prefix
        self._memory_storage = _MemoryStorage()
        self._memory = _Strategies(self._memory_storage)
        self._redis_storage: RedisStorage | None = None
        self._redis: _Strategies | None = None
        if redis_url:
            self._redis_storage = RedisStorage(
                redis_url,
                key_prefix=prefix,
                wrap_exceptions=True,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._redis = _Strategies(self._redis_storage)
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
        strategies = self._limiter()
        try:
            limiter = strategies.pick(item)
            allowed = limiter.hit(item, key)
            stats = None if allowed else limiter.get_window_stats(item, key)
            if self._degraded and strategies is self._redis:
                self._redis_recovered()
        except StorageError as error:
            self._redis_failed(error)
            limiter = self._memory.pick(item)
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

    def _limiter(self) -> _Strategies:
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
