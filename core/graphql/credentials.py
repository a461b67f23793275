"""Credential operations: at most one per HTTP request, counted before anything runs.

A credential operation checks a secret someone could guess (a password, a client secret, a
one-time code) or creates an account. Each is rate-limited, but GraphQL lets one request carry
many: 5 batched operations x 30 aliases made one POST run 150 password checks. So the HTTP layer
counts the marked root fields of every operation a request will execute (aliases, fragment
spreads, inline fragments and batch entries included; `@skip`/`@include` are ignored, so a field
counts even if a variable would skip it) and refuses the whole request when there are two or
more, before any of them runs (core/http.py: 400 TOO_MANY_CREDENTIAL_OPERATIONS).

Mark a root mutation field with `@strawberry.mutation(..., metadata=CREDENTIAL_OPERATION)`.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

CREDENTIAL_OPERATION = {"credential_operation": True}  # strawberry field metadata


def marked_fields(schema: GraphQLSchema) -> dict[OperationType, frozenset[str]]:
    """The GraphQL names of the root fields marked CREDENTIAL_OPERATION, per root type."""
    roots: dict[OperationType, GraphQLObjectType | None] = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
    }
    out: dict[OperationType, frozenset[str]] = {}
    for op_type, root in roots.items():
        names = set()
        for name, graphql_field in (root.fields if root else {}).items():
            definition = (graphql_field.extensions or {}).get("strawberry-definition")
            metadata = getattr(definition, "metadata", None) or {}
            if metadata.get("credential_operation"):
                names.add(name)
        out[op_type] = frozenset(names)
    return out


def count(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    marked: dict[OperationType, frozenset[str]],
) -> int:
    """How many marked root fields `operation` selects (each alias counts). The document must
    have passed validation (no fragment cycles); each fragment is counted once and memoised."""
    names = marked.get(operation.operation, frozenset())
    if not names:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}

    def walk(selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += selection.name.value in names
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in memo:
                    fragment = fragments.get(name)
                    memo[name] = walk(fragment.selection_set) if fragment else 0
                total += memo[name]
        return total

    return walk(operation.selection_set)
