"""Metrics (Prometheus) and structured JSON logs.

- `/metrics` exposes: requests by outcome, latency per operation (the root fields of the document,
  a bounded set since documents are validated against the schema), GraphQL errors per code, and
  credential verifications per partner (`record_verification`). Set METRICS_TOKEN to require
  `Authorization: Bearer <token>` on /metrics.
- Logs are one JSON object per line with the request id. Only mutations, errors and slow requests
  (over 500 ms) are logged per request: an access-log line for every request halves throughput
  (PERFORMANCE.md). No personal data goes into a log line: operation names, codes and ids only.
  `setup_logging` installs them for the whole process, uvicorn's own loggers included; the
  production factory (`server:app_factory`) calls it in every worker, and
  `deploy/uvicorn-log.json` (`uvicorn --log-config`) gives uvicorn's supervisor process the
  same format. Every record logged while a request runs carries its `request_id` (REQUEST_ID).
  Lines are written by a background thread; the app's shutdown writes what is queued
  (`flush_logs`), so that SIGTERM loses none.
- Traces (OpenTelemetry, optional, `TRACING`): core/tracing.py.
"""

from __future__ import annotations

import atexit
import contextvars
import json
import logging
import logging.handlers
import os
import queue
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry()
REQUESTS = Counter("traffic_requests_total", "GraphQL HTTP requests", ["status"], registry=REGISTRY)
LATENCY = Histogram(
    "traffic_operation_seconds",
    "GraphQL operation latency by root fields",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=REGISTRY,
)
ERRORS = Counter(
    "traffic_graphql_errors_total", "GraphQL errors by code", ["code"], registry=REGISTRY
)
VERIFICATIONS = Counter(
    "traffic_verifications_total",
    "Credential verifications by partner and result",
    ["partner", "result"],
    registry=REGISTRY,
)
SLOW_SECONDS = 0.5

log = logging.getLogger("traffic.request")
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
_listener: logging.handlers.QueueListener | None = None
_queue_handler: logging.handlers.QueueHandler | None = None


def record_verification(partner: str, result: str) -> None:
    VERIFICATIONS.labels(partner=partner or "-", result=result).inc()


def observe(
    operation: str,
    seconds: float,
    status: int,
    error_codes: list[str],
    mutation: bool,
    request_id: str,
) -> None:
    REQUESTS.labels(status=str(status)).inc()
    LATENCY.labels(operation=operation).observe(seconds)
    for code in error_codes:
        ERRORS.labels(code=code).inc()
    if mutation or error_codes or seconds > SLOW_SECONDS:
        log.info(
            "graphql",
            extra={
                "request_id": request_id,
                "operation": operation,
                "ms": round(seconds * 1000, 2),
                "status": status,
                "errors": error_codes[:5],
            },
        )


def metrics_payload() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def metrics_token() -> str | None:
    return os.environ.get("METRICS_TOKEN") or None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the structured extras."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
        "message",
        "asctime",
        "color_message",  # uvicorn's ANSI-coloured copy of the message
    }

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self.RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (from REQUEST_ID) to records logged while a request runs. Runs where the
    record is made (the request's task or its worker thread), not in the writer thread."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = REQUEST_ID.get()
            if request_id is not None:
                record.request_id = request_id
        return True


def setup_logging(level: int = logging.INFO) -> logging.handlers.QueueListener:
    """JSON lines on stderr for the whole process, written by a background thread (the request
    path formats the line and enqueues it; the thread writes). uvicorn's loggers lose their own
    plain-text handlers and go through the same JSON handler (its access log only if it is on).
    Idempotent: a second call replaces the first set-up. `flush_logs` (at the app's shutdown)
    writes what is queued and makes the process write its last lines itself."""
    global _listener, _queue_handler
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))  # the line is made before the queue
    q: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    queue_handler = logging.handlers.QueueHandler(q)
    queue_handler.setFormatter(JsonFormatter())  # QueueHandler.prepare formats in the caller
    queue_handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [queue_handler]
    _queue_handler = queue_handler
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if name == "uvicorn.access" and not logger.handlers and not logger.propagate:
            continue  # `--no-access-log` switched it off: keep it off
        logger.handlers[:] = []
        logger.propagate = True
    if _listener is not None:
        _listener.stop()
    else:
        atexit.register(_stop_listener)  # flush what is queued when the process ends
    _listener = logging.handlers.QueueListener(q, handler)
    _listener.start()
    return _listener


def flush_logs() -> None:
    """Write every queued line now, and from now on write each line in the thread that logs it.

    Called when the app shuts down (core/http.py, lifespan): after SIGTERM uvicorn finishes and
    then raises the signal again, which ends the process at once, before `atexit` and with the
    writer thread's queue unwritten (the shutdown lines, the last requests' lines were lost).
    From here on the lines uvicorn still logs ("Finished server process") are written before
    that. Nothing to do unless `setup_logging` ran."""
    global _listener
    listener, queue_handler = _listener, _queue_handler
    if listener is None or queue_handler is None:
        return
    _listener = None
    listener.stop()  # writes what was queued, then the writer thread ends
    direct = logging.StreamHandler(listener.handlers[0].stream)  # type: ignore[attr-defined]
    direct.setFormatter(JsonFormatter())
    direct.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [direct if h is queue_handler else h for h in root.handlers]
    leftover = listener.queue  # lines logged while the writer stopped
    while True:
        try:
            record = leftover.get_nowait()
        except queue.Empty:
            break
        if record is not None:
            listener.handle(record)


def _stop_listener() -> None:
    if _listener is not None:
        _listener.stop()
