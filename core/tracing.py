"""Optional OpenTelemetry tracing: one trace per request, with no personal data in it.

Off by default. `TRACING=otlp` exports to an OpenTelemetry collector (the standard
`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, ... variables apply; needs
`opentelemetry-exporter-otlp-proto-http`), `TRACING=console` prints spans on stdout (trying it
out). The packages are the optional extra `tracing` (`pip install '.[tracing]'`); with tracing
off none of them is imported. A trace holds:

- the request: the ASGI instrumentation's server span (method, route path, status);
- the operation: strawberry's OpenTelemetryExtension, driven by our executor
  (core/graphql/executor.py runs graphql-core directly, not strawberry's extension runner), one
  span named after the operation with `graphql.operation.name` and `graphql.operation.type`,
  and one span per resolver that is not a plain attribute read (`graphql.path`);
- the database: SQLAlchemy's instrumentation, one span per statement (`db.statement`: the SQL
  with its placeholders, never the bound values), only inside a request's trace.

Background work (the embedded audit sequencer's thread, a pass every half second; `core.cli job`
runs, which never turn tracing on) makes no span: a statement with no span around it is not
traced, so an idle server exports nothing and each request's trace stands alone.

What a trace never holds: the document text (it may carry literals), resolver arguments and
variables (ID numbers, names, phones, payloads), headers (tokens), the query string (GET
variables), the client address and user agent. The request span is made from a copy of the
request with those removed; the application gets the request unchanged.
tests/test_tracing.py checks every attribute of every span against the personal data it sent.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

MODES = ("off", "console", "otlp")
_KEPT_HEADERS = frozenset({b"host", b"traceparent", b"tracestate", b"content-type"})
_REAL_SCOPE = "traffic.real_scope"
_provider: Any = None


def mode_from_env() -> str:
    """`TRACING` (off | console | otlp); anything else is refused at start-up."""
    mode = os.environ.get("TRACING", "off").strip().lower() or "off"
    if mode not in MODES:
        raise ValueError(f"TRACING: one of {', '.join(MODES)}, not {mode!r}")
    return mode


class TracingNotInstalled(RuntimeError):
    """TRACING is on but the `tracing` extra's packages are missing (raised at start-up)."""


# what each mode imports, with the distribution that provides it
_NEEDED = {
    "console": (
        ("opentelemetry.sdk.trace", "opentelemetry-sdk"),
        ("opentelemetry.instrumentation.asgi", "opentelemetry-instrumentation-asgi"),
        ("opentelemetry.instrumentation.sqlalchemy", "opentelemetry-instrumentation-sqlalchemy"),
    ),
}
_NEEDED["otlp"] = (
    *_NEEDED["console"],
    (
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
        "opentelemetry-exporter-otlp-proto-http",
    ),
)


def check_installed(mode: str) -> None:
    """Raise TracingNotInstalled, naming the extra to install and the missing packages, when a
    module `mode` needs cannot be imported (instead of a bare ModuleNotFoundError later)."""
    import importlib.util

    missing = []
    for module, distribution in _NEEDED.get(mode, ()):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # a parent package is missing
            found = False
        if not found:
            missing.append(distribution)
    if missing:
        raise TracingNotInstalled(
            f"TRACING={mode} needs the `tracing` extra, which is not installed (missing: "
            f"{', '.join(missing)}). Install it with `pip install '.[tracing]'` (from the "
            "checkout), or start with `TRACING=" + mode + " python3 dev.py serve`, which installs "
            "it into .venv; or unset TRACING."
        )


def provider_for(mode: str) -> Any:
    """The process's tracer provider for `mode` (built once), or None when tracing is off."""
    global _provider
    if mode == "off":
        return None
    if _provider is None:
        check_installed(mode)
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

        if mode == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter: Any = OTLPSpanExporter()
        else:
            exporter = ConsoleSpanExporter()
        provider = TracerProvider(
            resource=Resource.create(
                {"service.name": os.environ.get("OTEL_SERVICE_NAME", "traffic-admin")}
            )
        )
        provider.add_span_processor(BatchSpanProcessor(exporter))
        _provider = provider
    return _provider


def instrument_app(app: ASGIApp, provider: Any) -> ASGIApp:
    """`app` inside the ASGI instrumentation, which sees only a scrubbed copy of each request."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    traced = OpenTelemetryMiddleware(
        _Restore(app), tracer_provider=provider, exclude_spans=["receive", "send"]
    )
    return _Scrub(traced)


class _Scrub:
    """Hands the instrumentation a copy of the scope without the query string, the client
    address and every header but host, content type and the trace context."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scrubbed = {
            **scope,
            "query_string": b"",
            "client": None,
            "headers": [(k, v) for k, v in scope.get("headers", ()) if k in _KEPT_HEADERS],
            _REAL_SCOPE: scope,
        }
        await self.app(scrubbed, receive, send)


class _Restore:
    """Inside the instrumentation: the application gets the request as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope.get(_REAL_SCOPE, scope), receive, send)


def instrument_engine(engine: Any, provider: Any) -> None:
    """One span per SQL statement run on `engine` (once per engine)."""
    if getattr(engine, "_traffic_traced", False):
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    counter = NoOpMeterProvider().get_meter("traffic").create_up_down_counter("db.connections")
    EngineTracer(_InTraceOnly(provider.get_tracer("traffic.sql")), engine, counter)
    engine._traffic_traced = True


class _InTraceOnly:
    """A tracer that starts a span only inside a trace already under way (a request's): a
    statement run by background work (no current span) gets the non-recording span, which
    exports nothing."""

    def __init__(self, tracer: Any) -> None:
        self.tracer = tracer

    def start_span(self, name: str, context: Any = None, **kwargs: Any) -> Any:
        from opentelemetry import trace

        if not trace.get_current_span(context).get_span_context().is_valid:
            return trace.INVALID_SPAN
        return self.tracer.start_span(name, context, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tracer, name)


def untrace_engines() -> None:
    """Remove every SQL tracer (tests)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    EngineTracer.remove_all_event_listeners()


def _no_arguments(args: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}  # resolver arguments carry personal data: none goes into a span


def operation_tracing(provider: Any, operation_name: str | None, label: str, op_type: str) -> Any:
    """strawberry's OpenTelemetryExtension for one operation: `open()` starts the operation's
    span, the object is graphql-core middleware (a span per resolver), `close()` ends it."""
    from strawberry.extensions.tracing import OpenTelemetryExtensionSync

    class OperationTracing(OpenTelemetryExtensionSync):
        def open(self) -> None:
            self._steps = self.on_operation()
            next(self._steps)
            span = next(iter(self._span_holder.values()))
            span.set_attribute("graphql.operation.name", operation_name or label)
            span.set_attribute("graphql.operation.type", op_type)

        def close(self) -> None:
            next(self._steps, None)

    # no `query`: the document text is not recorded (it may carry literals)
    context = SimpleNamespace(operation_name=operation_name or label, query=None)
    return OperationTracing(
        execution_context=context,  # type: ignore[arg-type]
        arg_filter=_no_arguments,
        tracer_provider=provider,
    )
