"""The HTTP layer: Starlette app with the GraphQL endpoint, JWKS, health, and request limits.

The GraphQL endpoint is a small hand-written view rather than strawberry's: it accepts only
`application/json` POSTs (so a browser form cannot forge a mutation: no CSRF), answers malformed
bodies with 400 and oversized ones with 413, serves GraphiQL and GET queries in development only
for queries, and runs documents through the cached executor (see core/graphql/executor.py). It
prepares every operation of a request before running any, and refuses a request carrying more
than one credential operation (core/graphql/credentials.py). An operation may name a trusted
document by id instead of sending its text (core/graphql/trusted.py); where the policy says so
(partner tokens in production) only such documents run.

Around the whole app (outside Starlette's own error middleware), `RequestScope` gives each request
its id (a sane `X-Request-ID` or `<pid>-<n>`; echoed in the response and attached to every log
line), logs an unexpected exception once as a JSON line with that id (the client gets a JSON 500
with the id) and a client that goes away mid-request as one info line. Inside it, uvicorn's
`ProxyHeadersMiddleware` takes the client address from `X-Forwarded-For` only when the direct
peer is one of `TRUSTED_PROXIES` (the right-most address that is not a trusted proxy).

Media types (GraphQL over HTTP): a client whose `Accept` prefers
`application/graphql-response+json` gets answers of that type, and a request error (the document
does not parse or validate: depth, aliases, tokens, unknown fields; or its variables do not fit)
answers 400 with no `data` entry, as the specification asks for that type. Any other client
(`application/json`, `*/*`, no Accept) gets `application/json` and 200 for every GraphQL answer,
as before. Batches (outside the specification) are always `application/json`, 200. Every other
refusal (malformed body, 405, 413, 415, 401) has its own 4xx status whatever the Accept.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from core import idempotency, observability, tracing
from core.actor import ANONYMOUS, Actor
from core.auth.principals import require_active
from core.context import Context
from core.errors import RuleError
from core.graphql import trusted
from core.graphql.executor import Prepared
from core.group_commit import GroupCommitter
from core.platform import Platform
from core.wal_checkpoint import WalCheckpointer
from core.web import ide

log = logging.getLogger("traffic.http")
_request_ids = itertools.count(1)
# a generated request id is `<worker prefix>-<count>`: the prefix is random per process (drawn
# anew in a forked child), not its process id, which would tell a client about the host
_worker_prefix = secrets.token_hex(4)


def _new_worker_prefix() -> None:
    global _worker_prefix
    _worker_prefix = secrets.token_hex(4)


os.register_at_fork(after_in_child=_new_worker_prefix)
MAX_VARIABLE_DEPTH = 24
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,64}")
# printable ASCII, the characters of a Structured Field string (RFC 8941 §3.3.3), as the IETF
# Idempotency-Key draft has it; no leading or trailing space
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e][\x20-\x7e]{6,98}[\x21-\x7e]")
TOO_MANY_CREDENTIAL_OPERATIONS = "TOO_MANY_CREDENTIAL_OPERATIONS"
JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ALLOWED_METHODS = "GET, POST"


def answer_media_type(accept: str | None) -> str:
    """The media type of a GraphQL answer for this `Accept` header: `GRAPHQL_RESPONSE` when the
    client lists it at least as high (q) as `application/json`, else `JSON` (also for `*/*` and
    no header: the GraphQL-over-HTTP specification's legacy default)."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        kind, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.lower()
        if kind in (JSON, GRAPHQL_RESPONSE):
            weights[kind] = max(weights.get(kind, 0.0), quality)
    wanted = weights.get(GRAPHQL_RESPONSE, 0.0)
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= weights.get(JSON, 0.0) else JSON


def _request_error(result: dict[str, Any]) -> bool:
    """True when a GraphQL answer is a request error: no data, and no error from a field (parse,
    validation and limit errors carry no `data`; variable coercion gives `data: null` and errors
    without a `path`)."""
    if result.get("data") is not None or not result.get("errors"):
        return False
    return all("path" not in error for error in result["errors"])


def request_id_of(scope: Scope) -> str:
    """The request's id: set by RequestScope (see there); a fresh one outside it."""
    state = scope.setdefault("state", {})
    found = state.get("request_id")
    if found is None:
        found = state["request_id"] = _new_request_id(scope)
    return found


def _new_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            if _REQUEST_ID.fullmatch(text):
                return text
            break
    return f"{_worker_prefix}-{next(_request_ids)}"


class RequestScope:
    """ASGI middleware around everything: request id, one log line per failure, no tracebacks
    for clients that leave. The id goes into `scope["state"]["request_id"]`, the
    `x-request-id` response header and (through observability.REQUEST_ID) every log record."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = observability.REQUEST_ID.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            log.info("client disconnected", extra={"request_id": request_id, "path": _path(scope)})
        except Exception:  # noqa: BLE001 - the one place an unexpected error is logged
            log.exception("unhandled error", extra={"request_id": request_id, "path": _path(scope)})
            if not started:
                await _plain(send, 500, _internal_error_body(request_id))
        finally:
            observability.REQUEST_ID.reset(token)


def _path(scope: Scope) -> str:
    return str(scope.get("path", ""))[:80]


def _internal_error_body(request_id: str) -> bytes:
    return orjson.dumps(
        {
            "errors": [
                {
                    "message": "Internal server error.",
                    "extensions": {"code": "INTERNAL_ERROR", "requestId": request_id},
                }
            ]
        }
    )


class BodyLimit:
    """ASGI middleware: 413 for request bodies above `max_bytes` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _plain(send, 400, _BAD_LENGTH)
                    return
                if declared > self.max_bytes:
                    await _plain(send, 413, _TOO_LARGE)
                    return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                # the client left before its body was complete: nobody to answer, nothing to run
                log.info(
                    "client disconnected mid-body",
                    extra={"request_id": request_id_of(scope), "received_bytes": size},
                )
                return
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _plain(send, 413, _TOO_LARGE)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        whole = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


_TOO_LARGE = orjson.dumps(
    {
        "errors": [
            {"message": "Request body too large.", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}
        ]
    }
)
_BAD_LENGTH = orjson.dumps(
    {"errors": [{"message": "Bad Content-Length.", "extensions": {"code": "BAD_REQUEST"}}]}
)


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# A NUL character is in no identifier, name or text this API takes, and PostgreSQL refuses it in
# any string: refused up front, in variables (decoded) and in the document (the GraphQL escape).
_NUL_MESSAGE = "Text with a NUL character (\\u0000) is not accepted."


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def db_slots(engine: Any) -> int:
    """How many requests may use the database at once: half the pool's connections (a request
    holds its own and may open one more for a write), at least 1; 64 for a pool without a limit."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    if not callable(size):
        return 64
    return max(1, (size() + max(0, getattr(pool, "_max_overflow", 0))) // 2)


def _error(
    status: int,
    message: str,
    code: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """A request-level GraphQL error answer: `code` and any further `extensions`."""
    return Response(
        orjson.dumps(
            {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
        ),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _too_deep(value: Any, depth: int = 0) -> bool:
    if depth > MAX_VARIABLE_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_too_deep(v, depth + 1) for v in value)
    return False


def actor_from_request(platform: Platform, request: Request) -> Actor:
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise RuleError("UNAUTHENTICATED", "Use 'Authorization: Bearer <token>'.")
    claims = platform.tokens.verify(token.strip())
    actor = claims.get("__actor__")  # verified claims are cached per token; so is their Actor
    if actor is None:
        actor = claims["__actor__"] = Actor.from_claims(claims)
    return actor


class GraphQLEndpoint:
    def __init__(self, platform: Platform, tracer_provider: Any = None) -> None:
        self.platform = platform
        self.tracer_provider = tracer_provider  # None: tracing off (core/tracing.py)
        self.executor = platform.executor
        self.graphiql = None if platform.settings.production else _graphiql_html()
        self.trusted = trusted.TrustedDocuments(
            platform.engine,
            self.executor.compile,
            trusted.shipped_documents(trusted.platform_folders(p.module for p in platform.plugins)),
        )
        self.policy = platform.settings.trusted_policy
        self.db_slots = asyncio.Semaphore(db_slots(platform.engine))
        # insert-only mutations of one turn of the event loop commit together (core/group_commit.py)
        self.committer = GroupCommitter() if platform.settings.group_commit else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        if (
            response.media_type == JSON
            and answer_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE
            and not bytes(response.body).startswith(b"[")  # a batch stays application/json
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._get(request)
        if request.method != "POST":
            # every other method (HEAD, PUT, OPTIONS, DELETE, ...): the same JSON refusal
            refused = _error(405, "Use POST (or GET for queries).", "METHOD_NOT_ALLOWED")
            refused.headers["allow"] = ALLOWED_METHODS
            return refused
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/json", "application/graphql-response+json"):
            return _error(
                415, "Send GraphQL requests as application/json.", "UNSUPPORTED_MEDIA_TYPE"
            )
        body = await request.body()
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            if "infinity" in str(error):  # a number beyond a double's range (orjson's wording)
                return _error(
                    400,
                    "The body has a number too large to read; BigInt values are within ±(2^53-1).",
                    "BAD_REQUEST",
                )
            return _error(400, "The body is not valid JSON (UTF-8).", "BAD_REQUEST")
        if isinstance(payload, list):
            if not payload or len(payload) > self.platform.settings.max_batch:
                return _error(
                    400,
                    f"A batch holds 1 to {self.platform.settings.max_batch} operations.",
                    "BAD_REQUEST",
                )
            operations = payload
        elif isinstance(payload, dict):
            operations = [payload]
        else:
            return _error(400, "The body must be a JSON object.", "BAD_REQUEST")
        return await self._run(
            request, operations, batch=isinstance(payload, list), allow_mutation=True
        )

    async def _get(self, request: Request) -> Response:
        params = request.query_params
        if not any(name in params for name in ("query", "documentId", "extensions")):
            if self.graphiql is None:
                return _error(404, "Not found.", "NOT_FOUND")
            return HTMLResponse(self.graphiql)
        operation: dict[str, Any] = {"operationName": params.get("operationName")}
        for name in ("query", "documentId"):
            if name in params:
                operation[name] = params[name]
        for name in ("variables", "extensions"):
            if params.get(name):
                try:
                    operation[name] = orjson.loads(params[name])
                except orjson.JSONDecodeError:
                    return _error(400, f"`{name}` is not valid JSON.", "BAD_REQUEST")
        return await self._run(request, [operation], batch=False, allow_mutation=False)

    async def _run(
        self, request: Request, operations: list[Any], batch: bool, allow_mutation: bool
    ) -> Response:
        # requests that use the database wait here, on the event loop, for one of the pool's
        # slots; checking a connection out of an exhausted pool would block the loop itself,
        # and with it the requests that hold the connections (a deadlock until the pool's
        # 30 s timeout: seen at 32 connections on the home screen)
        async with self.db_slots:
            return await self._run_with_slot(request, operations, batch, allow_mutation)

    async def _run_with_slot(
        self, request: Request, operations: list[Any], batch: bool, allow_mutation: bool
    ) -> Response:
        platform = self.platform
        request_id = request_id_of(request.scope)
        conn = None
        try:
            actor = actor_from_request(platform, request)
            if actor.authenticated:
                # one connection for the whole request: the account-status check (never cached:
                # a disabled account stops at once), then the operations' hot reads and writes
                conn = request.state.db = platform.engine.connect()
                require_active(conn, actor)
        except RuleError as error:
            if conn is not None:
                conn.close()
            return Response(
                orjson.dumps(
                    {"errors": [{"message": error.message, "extensions": error.extensions()}]}
                ),
                status_code=401,
                media_type="application/json",
                headers={"www-authenticate": "Bearer"},
            )
        try:
            keys = request.headers.getlist("idempotency-key")
            if len(keys) > 1:
                return _error(400, "Send one Idempotency-Key header.", "BAD_REQUEST")
            if keys and request.method == "POST":
                return await self._run_idempotent(
                    request, operations, batch, actor, request_id, keys[0]
                )
            return await self._execute_all(
                request, operations, batch, actor, request_id, allow_mutation
            )
        finally:
            if conn is not None:
                conn.close()

    async def _execute_all(
        self,
        request: Request,
        operations: list[Any],
        batch: bool,
        actor: Actor,
        request_id: str,
        allow_mutation: bool,
        keyed: idempotency.KeyedWrites | None = None,
    ) -> Response:
        """Prepare every operation, refuse the whole request if one is malformed or if they carry
        more than one credential operation, and only then run them in order."""
        plans: list[_Plan | dict[str, Any]] = []
        for op in operations:
            plan = await self._plan(op, allow_mutation, actor)
            if isinstance(plan, Response):
                return plan
            plans.append(plan)
        credential = sum(p.credential_fields for p in plans if isinstance(p, _Plan))
        if credential > 1:
            return _error(
                400,
                "A request may carry at most one credential operation (sign-in, token, "
                "registration; aliases and batch entries count); this one carries "
                f"{credential}.",
                TOO_MANY_CREDENTIAL_OPERATIONS,
            )
        commits: list[int] = []
        results = [
            plan
            if isinstance(plan, dict)
            else await self._execute(plan, actor, request, request_id, commits, keyed)
            for plan in plans
        ]
        body = results if batch else results[0]
        status = 200
        if (
            not batch
            and answer_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE
            and _request_error(body)
        ):
            # GraphQL over HTTP, application/graphql-response+json: a request error is a 4xx
            # with no `data` entry (application/json keeps 200, which the specification allows)
            body = {key: value for key, value in body.items() if key != "data"}
            status = 400
        response = Response(
            orjson.dumps(body),
            status_code=status,
            media_type=JSON,
            headers={"x-request-id": request_id},
        )
        response.committed = sum(commits)  # type: ignore[attr-defined] - read by _run_idempotent
        return response

    async def _run_idempotent(
        self,
        request: Request,
        operations: list[Any],
        batch: bool,
        actor: Actor,
        request_id: str,
        key: str,
    ) -> Response:
        """Run a request under an Idempotency-Key (see core/idempotency.py)."""
        if not actor.authenticated:
            return _error(400, "Idempotency keys need an authenticated caller.", "BAD_REQUEST")
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            return _error(
                400,
                "Idempotency-Key must have 8 to 100 visible ASCII characters (spaces inside).",
                "BAD_REQUEST",
            )
        engine = self.platform.engine
        caller = f"{actor.kind}:{actor.account_id}"
        fingerprint = idempotency.request_fingerprint(operations)
        claim = idempotency.claim(engine, caller, key, fingerprint, self.platform.clock.now())
        if claim.outcome == "MISMATCH":
            return _error(
                422,
                "This Idempotency-Key was used for a different request.",
                "IDEMPOTENCY_KEY_REUSED",
            )
        if claim.outcome == "IN_PROGRESS":
            seconds = claim.retry_after
            return _error(
                409,
                f"A request with this Idempotency-Key is still running; retry in {seconds} s.",
                "IDEMPOTENCY_IN_PROGRESS",
                {"x-request-id": request_id, "retry-after": str(seconds)},
                details={"retryAfterSeconds": seconds},
            )
        if claim.outcome == "REPLAY":
            return Response(
                claim.response or b"{}",
                media_type="application/json",
                headers={"x-request-id": request_id, "idempotency-replayed": "true"},
            )
        if claim.outcome == "APPLIED":
            # the first request committed and then died before its answer was stored: say so
            # (never run it again, never 409 for ever); its audit entries say what it wrote
            return _error(
                200,
                "The request with this Idempotency-Key was already applied, but its answer was "
                "not kept (the server stopped before storing it); it is not run again. Read the "
                "result back: `extensions.applied` names the audit entries it wrote.",
                idempotency.ALREADY_APPLIED,
                {"x-request-id": request_id, "idempotency-replayed": "true"},
                rule="core: idempotency",
                applied=list(claim.applied),
            )
        assert claim.record_id is not None
        keyed = idempotency.KeyedWrites(claim.record_id)
        try:
            response = await self._execute_all(
                request, operations, batch, actor, request_id, True, keyed
            )
        except BaseException:
            idempotency.release(engine, claim.record_id)  # kept if something was committed
            raise
        if getattr(response, "committed", 0) or keyed.applied:
            # something was written, and the key marked so in the same transaction: a retry must
            # get this answer, never a second side effect. Should storing the answer fail (or the
            # process die first), the key stays COMMITTED and a retry is told ALREADY_APPLIED.
            try:
                idempotency.complete(engine, claim.record_id, bytes(response.body))
            except Exception:  # noqa: BLE001 - the change is made: the client still gets its answer
                log.exception(
                    "could not store an idempotent answer", extra={"request_id": request_id}
                )
        else:
            # nothing committed (a refusal, a rate limit, an internal error, a client error): the
            # key is released so that a retry runs again
            idempotency.release(engine, claim.record_id)
        return response

    async def _plan(
        self, op: Any, allow_mutation: bool, actor: Actor
    ) -> _Plan | dict[str, Any] | Response:
        """Check and prepare one operation: a plan to run, a GraphQL error answer for it, or a
        Response that refuses the whole request."""
        if not isinstance(op, dict):
            return _error(400, "Each operation must be a JSON object.", "BAD_REQUEST")
        query = op.get("query")
        variables = op.get("variables")
        operation_name = op.get("operationName")
        try:
            hex_hash = trusted.requested_id(op)
        except trusted.BadDocumentId as error:
            return _error(400, str(error), "BAD_REQUEST")
        if hex_hash is None and (not isinstance(query, str) or not query.strip()):
            return _error(400, "`query` must be a non-empty string.", "BAD_REQUEST")
        if variables is not None and not isinstance(variables, dict):
            return _error(400, "`variables` must be an object.", "BAD_REQUEST")
        if operation_name is not None and not isinstance(operation_name, str):
            return _error(400, "`operationName` must be a string.", "BAD_REQUEST")
        if variables and _too_deep(variables):
            return _error(400, "`variables` are nested too deeply.", "BAD_REQUEST")
        if variables and _has_nul(variables):
            return _error(400, _NUL_MESSAGE, "BAD_REQUEST")
        if hex_hash is not None:
            if query is not None and (
                not isinstance(query, str) or trusted.document_id(query)[7:] != hex_hash
            ):
                return _error(400, "`query` is not the document the id names.", "BAD_REQUEST")
            prepared = await self._trusted(hex_hash, actor)
            if prepared is None:
                return _error(
                    400,
                    "No registered document with this id may be run by this caller.",
                    trusted.PERSISTED_QUERY_NOT_FOUND,
                )
        elif "\x00" in query or "\\u0000" in query:
            return _error(400, _NUL_MESSAGE, "BAD_REQUEST")
        elif trusted.policy_applies(self.policy, actor.kind):
            # only registered documents: the text must be one (hashed, then run as by id)
            prepared = await self._trusted(trusted.document_id(query)[7:], actor)
            if prepared is None:
                return _error(
                    400,
                    "This caller may run only registered documents: send a registered "
                    "document's id (`documentId`) or register the document first.",
                    trusted.TRUSTED_DOCUMENT_REQUIRED,
                )
        else:
            prepared = self.executor.cached(query)
            if prepared is None:  # a new text: parse and validate in a worker thread
                prepared = await run_in_threadpool(self.executor.prepare, query)
        if prepared.errors:
            return {"errors": prepared.errors}
        selection = self.executor.select(prepared, operation_name)
        if selection is None:
            return _error(400, "Unknown or ambiguous operation name.", "BAD_REQUEST")
        selected, op_type = selection
        if op_type is OperationType.MUTATION and not allow_mutation:
            return _error(405, "Mutations must be sent with POST.", "METHOD_NOT_ALLOWED")
        if op_type is OperationType.SUBSCRIPTION:
            return _error(400, "Subscriptions are not offered.", "BAD_REQUEST")
        return _Plan(
            prepared,
            variables,
            operation_name,
            op_type,
            prepared.labels.get(selected) or "-",
            prepared.credential_fields.get(selected, 0),
            selected,
        )

    async def _trusted(self, hex_hash: str, actor: Actor) -> Prepared | None:
        """The registered document `hex_hash` names that `actor` may run, prepared once."""
        org_id = actor.partner_org_id if actor.is_partner else None
        found = self.trusted.find(hex_hash, org_id)
        if found is None:  # first use in this process: read and prepare it off the event loop
            found = await run_in_threadpool(self.trusted.load, hex_hash, org_id)
        return found

    async def _execute(
        self,
        plan: _Plan,
        actor: Actor,
        request: Request,
        request_id: str,
        commits: list[int],
        keyed: idempotency.KeyedWrites | None = None,
    ) -> dict[str, Any]:
        """Run one prepared operation; what it committed is added to `commits` and, under an
        Idempotency-Key, marked on the key in each of its transactions (`keyed`)."""
        ctx = Context(
            platform=self.platform,
            actor=actor,
            request_id=request_id,
            request=request,
            conn=getattr(request.state, "db", None),
        )
        ctx.committer = self.committer
        ctx.keyed = keyed
        started = time.perf_counter()
        traced = None
        if self.tracer_provider is not None:
            traced = tracing.operation_tracing(
                self.tracer_provider, plan.name, plan.label, plan.op_type.value
            )
            traced.open()
        try:
            result = await self.executor.run(
                plan.prepared,
                plan.variables,
                plan.operation_name,
                ctx,
                None if traced is None else [traced],
            )
        finally:
            ctx.close()
            commits.append(ctx.commits)
            if traced is not None:
                traced.close()
        codes = [e.get("extensions", {}).get("code", "") for e in result.get("errors", ())]
        observability.observe(
            plan.label,
            time.perf_counter() - started,
            200,
            codes,
            plan.op_type is OperationType.MUTATION,
            request_id,
        )
        return result


@dataclass(frozen=True)
class _Plan:
    """One operation of a request, prepared and checked, not yet run."""

    prepared: Prepared
    variables: dict[str, Any] | None
    operation_name: str | None
    op_type: OperationType
    label: str  # "mutation:signIn" (metrics and logs)
    credential_fields: int  # credential operations it selects (core/graphql/credentials.py)
    name: str | None = None  # the selected operation's name in the document (None: anonymous)


def _graphiql_html() -> str:
    return ide.page_html()  # served from the app itself, no CDN (core/web/ide.py)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """Start the in-process audit sequencer (AUDIT_SEQUENCER=embedded, the default); several
    workers may each run one, the per-log lock lets one work at a time. On SQLite, start the WAL
    checkpointer (core/wal_checkpoint.py). At shutdown, stop them and flush the log queue."""
    platform: Platform = app.state.platform
    checkpointer = WalCheckpointer(platform.engine)
    checkpointer.start()
    sequencer = None
    if platform.settings.audit_sequencer == "embedded":
        from core.audit import AuditSequencer

        sequencer = AuditSequencer(platform)
        sequencer.start()
    try:
        yield
    finally:
        if sequencer is not None:
            sequencer.stop()
        checkpointer.stop()
        # the last lines (the shutdown's, the last requests') are written before uvicorn ends
        # the process (core/observability.py)
        observability.flush_logs()


def create_app(platform: Platform, tracer_provider: Any = None) -> Starlette:
    """The ASGI app: /graphql, /.well-known/jwks.json, /health, /ready, and plugin routes.

    Traced with OpenTelemetry (core/tracing.py) when `tracer_provider` is given or the settings
    turn tracing on (`TRACING`). SystemExit, naming the `tracing` extra, when the settings turn
    it on and its packages are not installed."""
    if tracer_provider is None:
        try:
            tracer_provider = tracing.provider_for(platform.settings.tracing)
        except tracing.TracingNotInstalled as missing:
            # start-up stops with one clear line naming the extra, not a ModuleNotFoundError
            log.error(str(missing))
            raise SystemExit(f"error: {missing}") from None
    if tracer_provider is not None:
        tracing.instrument_engine(platform.engine, tracer_provider)

    async def jwks(request: Request) -> Response:
        """Published verification keys (RFC 7517), each marked with its `purpose`: "document"
        (QR payloads, receipts, status and trust lists), "auth" (access tokens, which resource
        servers and partners may verify themselves, as an identity provider's JWKS allows) and
        "audit" (the audit logs' signed tree heads)."""
        published = platform.keys.jwks()
        return JSONResponse(published, headers={"cache-control": "public, max-age=300"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        from sqlalchemy import text

        try:
            with platform.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ready", "plugins": len(platform.plugins)})

    async def metrics(request: Request) -> Response:
        token = observability.metrics_token()
        if token and request.headers.get("authorization") != f"Bearer {token}":
            return Response(status_code=401)
        payload, content_type = observability.metrics_payload()
        return Response(payload, media_type=content_type)

    endpoint = GraphQLEndpoint(platform, tracer_provider)
    routes = [
        Route("/graphql", endpoint),  # every method: the endpoint answers 405 itself (JSON)
        Route("/.well-known/jwks.json", jwks),
        Route("/health", health),
        Route("/ready", ready),
        Route("/metrics", metrics),
        *([] if platform.settings.production else [ide.asset_route()]),
        *platform.routes,
    ]
    app = _App(
        routes=routes,
        exception_handlers={Exception: _internal_error},
        trusted_proxies=platform.settings.trusted_proxies,
        tracer_provider=tracer_provider,
        lifespan=_lifespan,
    )
    app.state.platform = platform
    app.add_middleware(BodyLimit, max_bytes=platform.settings.max_body_bytes)
    return app


class _App(Starlette):
    """Starlette with RequestScope and the proxy headers outside its own error middleware (which
    answers the 500 and re-raises for the server to log: RequestScope logs it instead), and the
    tracing instrumentation outside everything when tracing is on."""

    def __init__(
        self, *, trusted_proxies: tuple[str, ...] = (), tracer_provider: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.trusted_proxies = trusted_proxies
        self.tracer_provider = tracer_provider

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        if self.trusted_proxies:
            app = ProxyHeadersMiddleware(app, trusted_hosts=list(self.trusted_proxies))
        app = RequestScope(app)
        if self.tracer_provider is not None:  # outermost: the request span sees the final status
            app = tracing.instrument_app(app, self.tracer_provider)
        return app


async def _internal_error(request: Request, exc: Exception) -> Response:
    return Response(
        _internal_error_body(request_id_of(request.scope)),
        status_code=500,
        media_type="application/json",
    )
