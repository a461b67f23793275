"""The GraphQL execution path: cached parse + validate, then graphql-core execution.

Parsing and validating a document costs far more than executing it (PERFORMANCE.md: ~2.5 ms to
validate vs ~35 µs to execute), so each distinct document text is parsed and validated once and
kept in an LRU cache. Execution goes straight to graphql-core with the strawberry-built schema:
strawberry's types, resolvers and permission extensions run as usual, without its per-request
extension machinery. Limits (tokens, depth, aliases), production switches (no introspection, no
suggestions) and error masking are applied here.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)

from core.errors import RuleError
from core.graphql import credentials
from core.graphql.limits import NoIntrospection, ShapeLimits, alias_limit_rule, check_shape
from core.settings import Settings

log = logging.getLogger("traffic.graphql")
# graphql-core's variable errors: "Variable '$in' has invalid value at .purpose: ..." (the path
# inside the variable, when the refused value is nested) or "Variable '$n' of required type ..."
_VARIABLE_REFUSED = re.compile(
    r"Variable '\$(\w+)' (?:has invalid value( at (?:\.\w+|\[\d+\])+)?:|of )"
)
# the input object field a variable error is about: "... to include required field 'vehicleId'",
# "... not to include unknown field 'x'"
_INPUT_FIELD = re.compile(r"to include (?:required|unknown) field '(\w+)'")
# graphql-core echoes the whole refused value (", found: {...}", "Found: {...}"), ID numbers and
# all: the client sent it, but it must not come back in a message (docs/identifiers.md)
_ECHOED_VALUE = re.compile(r",? [Ff]ound: .*\Z", re.S)


@dataclass(frozen=True)
class Prepared:
    """A parsed and validated document (or its errors)."""

    document: DocumentNode | None
    errors: list[dict[str, Any]]
    operations: dict[str | None, OperationType]
    labels: dict[str | None, str] = field(default_factory=dict)  # "query:fieldA,fieldB" (metrics)
    # credential operations (core/graphql/credentials.py) each operation selects
    credential_fields: dict[str | None, int] = field(default_factory=dict)


class GraphQLExecutor:
    def __init__(self, schema: GraphQLSchema, settings: Settings, cache_size: int = 2000) -> None:
        self.schema = schema
        self.settings = settings
        self.hide_suggestions = settings.production
        rules = [
            *specified_rules,
            alias_limit_rule(settings.max_aliases),
        ]
        if settings.production:
            rules.append(NoIntrospection)
        self.rules = rules
        self.shape_limits = ShapeLimits(
            settings.max_query_depth, settings.max_fields, settings.max_merge_comparisons
        )
        self.credential_marks = credentials.marked_fields(schema)
        self._cache: OrderedDict[str, Prepared] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def cached(self, query: str) -> Prepared | None:
        """The prepared document if this text was seen recently (no work done)."""
        return self._cache.get(query)

    def prepare(self, query: str) -> Prepared:
        """Parse and validate `query` (or take it from the cache). Bounded cost for any document
        within the token limit (see core/graphql/limits.py), but milliseconds, not microseconds:
        the HTTP layer runs cache misses off the event loop."""
        cached = self._cache.get(query)
        if cached is not None:
            return cached
        prepared = self._prepare(query)
        with self._lock:
            self._cache[query] = prepared
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return prepared

    def compile(self, query: str) -> Prepared:
        """Parse and validate `query` without the text cache (trusted documents keep their own,
        by id: core/graphql/trusted.py)."""
        return self._prepare(query)

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query, no_location=False, max_tokens=self.settings.max_tokens)
        except GraphQLError as error:
            return Prepared(None, [self._client_error(error, "GRAPHQL_PARSE_FAILED")], {})
        except RecursionError:
            return Prepared(
                None,
                [
                    {
                        "message": "Document nested too deeply.",
                        "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
                    }
                ],
                {},
            )
        try:
            errors = check_shape(document, self.shape_limits)
        except RecursionError:
            errors = [GraphQLError("Document nested too deeply.")]
        if not errors:  # the standard rules run only on documents whose cost is bounded
            errors = validate(
                self.schema,
                document,
                self.rules,
                max_errors=20,
                hide_suggestions=self.hide_suggestions,
            )
        if errors:
            return Prepared(
                None, [self._client_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors], {}
            )
        operations = {
            (d.name.value if d.name else None): d.operation
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        }
        labels = {
            (d.name.value if d.name else None): f"{d.operation.value}:"
            + ",".join(
                sorted(
                    {sel.name.value for sel in d.selection_set.selections if hasattr(sel, "name")}
                )
            )[:120]
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        }
        credential_fields = {
            (d.name.value if d.name else None): credentials.count(
                document, d, self.credential_marks
            )
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        }
        return Prepared(document, [], operations, labels, credential_fields)

    def select(
        self, prepared: Prepared, operation_name: str | None
    ) -> tuple[str | None, OperationType] | None:
        """The operation `operation_name` selects: its name (None when anonymous) and type; None
        when the document has no such operation or the choice is ambiguous."""
        if operation_name is None and len(prepared.operations) == 1:
            return next(iter(prepared.operations.items()))
        if operation_name in prepared.operations:
            return operation_name, prepared.operations[operation_name]
        return None

    async def run(
        self,
        prepared: Prepared,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        middleware: list[Any] | None = None,
    ) -> dict[str, Any]:
        """Execute a prepared document; `middleware` wraps every resolver (tracing only:
        core/tracing.py)."""
        assert prepared.document is not None
        result = execute(
            self.schema,
            prepared.document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            middleware=middleware,
            hide_suggestions=self.hide_suggestions,
        )
        if isawaitable(result):
            result = await result
        return self.format(result, context)  # type: ignore[arg-type]

    def format(self, result: ExecutionResult, context: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [self._execution_error(e, context) for e in result.errors]
        return body

    def _client_error(self, error: GraphQLError, code: str) -> dict[str, Any]:
        out: dict[str, Any] = {"message": error.message, "extensions": {"code": code}}
        if error.locations:
            out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
        return out

    def _execution_error(self, error: GraphQLError, context: Any) -> dict[str, Any]:
        original = error.original_error
        out: dict[str, Any] = {"message": error.message}
        if error.path:
            out["path"] = error.path
        if isinstance(original, RuleError):
            out["message"] = original.message
            out["extensions"] = original.extensions()
        elif original is None or not error.path or isinstance(original, GraphQLError):
            # variable coercion (no path: raised before any resolver ran) and similar client errors:
            # safe to show (suggestions are hidden in production); `field` names the variable
            # (or the place inside it) that was refused
            out["extensions"] = {"code": "BAD_USER_INPUT"}
            refused = _VARIABLE_REFUSED.match(error.message)
            if refused:
                inside = (refused.group(2) or "").removeprefix(" at ")
                named = _INPUT_FIELD.search(error.message)
                out["extensions"]["field"] = (
                    refused.group(1) + inside + (f".{named.group(1)}" if named else "")
                )
                message = _ECHOED_VALUE.sub("", error.message)
                out["message"] = message if message.endswith((".", "?")) else f"{message}."
        else:
            request_id = getattr(context, "request_id", "-")
            log.error(
                "unexpected error in resolver",
                exc_info=(type(original), original, original.__traceback__),
                extra={"request_id": request_id},
            )
            out["message"] = "Internal server error."
            out["extensions"] = {"code": "INTERNAL_ERROR", "requestId": request_id}
        return out
