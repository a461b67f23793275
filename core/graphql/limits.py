"""Bounds on what one document may ask for, checked in time linear in the document's size.

graphql-core's validation is fine on ordinary documents, but two shapes make it super-linear on
crafted ones: following fragment spreads naively re-walks a fragment at every spread (exponential:
`fragment F1 on Query { ...F2 ...F2 }` doubling 40 times fits in 1 KB), and
OverlappingFieldsCanBeMerged compares every pair of fields that share a response name in a merged
selection set (quadratic: 700 copies of one field took a second). So before the standard rules run,
`check_shape` refuses an operation that is

- deeper than `max_depth` fields (introspection fields `__*` are bounded by graphql-core's
  MaxIntrospectionDepthRule instead),
- larger than `max_fields` selections (fields, fragment spreads, inline fragments) once every
  fragment spread is expanded (summed over the document's operations; this also bounds what
  execution can be asked to resolve, and a doubling chain of spreads ending in a cycle or an
  unknown fragment is refused like one ending in fields), or
- asking field merging to compare more than `max_merge_comparisons` pairs (of fields sharing a
  response name, or of fragments spread into one selection set).

The first pass measures each fragment once (memoised), so a doubling chain of any length costs one
walk; the second pass runs only on operations the first has bounded. Regression tests with the
crafted documents: tests/test_http_limits.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

_CAP = 1 << 30  # figures saturate here; a doubling chain never builds huge integers


@dataclass(frozen=True)
class ShapeLimits:
    """`max_depth` fields deep; `max_fields` fields once expanded; `max_merge_comparisons` pairs
    of same-named fields or of fragments within merged selection sets (what field merging
    compares)."""

    max_depth: int
    max_fields: int
    max_merge_comparisons: int


@dataclass(frozen=True)
class _Figures:
    depth: int  # deepest field nesting below this set (introspection fields not counted)
    fields: int  # selections (fields, spreads, inline fragments) once expanded, at most _CAP


class _Shape:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, _Figures] = {}
        self.in_progress: set[str] = set()

    # --- pass 1: depth and expanded size, each fragment computed once -----------------------
    def fragment(self, name: str) -> _Figures:
        found = self.memo.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return _Figures(0, 0)  # unknown fragments and cycles: reported by the standard rules
        self.in_progress.add(name)
        figures = self.figures(definition.selection_set)
        self.in_progress.discard(name)
        self.memo[name] = figures
        return figures

    def figures(self, node: SelectionSetNode | None) -> _Figures:
        if node is None:
            return _Figures(0, 0)
        depth = 0
        fields = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                below = self.figures(selection.selection_set)
                fields += 1 + below.fields
                if not selection.name.value.startswith("__"):
                    depth = max(depth, below.depth + 1)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.figures(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            depth = max(depth, inner.depth)
            # a spread counts itself too: a chain of spreads with no fields at its end (a cycle,
            # an unknown fragment) doubles like any other and is refused here, before pass 2
            fields += 1 + inner.fields
        return _Figures(depth, min(fields, _CAP))

    # --- pass 2 (only on operations pass 1 bounded): what field merging will compare ---------
    def merge_comparisons(self, sets: list[SelectionSetNode], budget: int) -> int:
        """Pairs of same-named fields plus pairs of fragments in each merged selection set: an
        upper bound of OverlappingFieldsCanBeMerged's work, counted until `budget` is passed."""
        by_key: dict[str, list[FieldNode]] = {}
        spreads: set[str] = set()
        for node in sets:
            self._collect(node, by_key, spreads, frozenset())
        total = len(spreads) * (len(spreads) - 1) // 2
        for same in by_key.values():
            total += len(same) * (len(same) - 1) // 2
            if total > budget:
                return total
            below = [f.selection_set for f in same if f.selection_set is not None]
            if below:
                total += self.merge_comparisons(below, budget - total)
                if total > budget:
                    return total
        return total

    def _collect(
        self,
        node: SelectionSetNode,
        by_key: dict[str, list[FieldNode]],
        spreads: set[str],
        path: frozenset[str],
    ) -> None:
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                by_key.setdefault((selection.alias or selection.name).value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                self._collect(selection.selection_set, by_key, spreads, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = self.fragments.get(name)
                spreads.add(name)
                if definition is not None and name not in path:
                    self._collect(definition.selection_set, by_key, spreads, path | {name})


def check_shape(document: DocumentNode, limits: ShapeLimits) -> list[GraphQLError]:
    """Errors for each operation of `document` that exceeds `limits` (empty when none does).

    Cost: pass 1 is linear in the document (each fragment measured once); pass 2 runs only on
    operations whose expanded size, summed over the document, pass 1 has bounded by
    `max_fields`."""
    shape = _Shape(document)
    errors: list[GraphQLError] = []
    fields = 0  # summed over the document's operations, so pass 2 is bounded per document
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        figures = shape.figures(definition.selection_set)
        fields += figures.fields
        if figures.depth > limits.max_depth:
            errors.append(
                GraphQLError(
                    f"Query depth {figures.depth} exceeds the limit of {limits.max_depth}.",
                    definition,
                )
            )
        if fields > limits.max_fields:
            errors.append(
                GraphQLError(
                    f"The document makes more than {limits.max_fields} selections (fields and "
                    "fragment spreads) once its fragments are expanded.",
                    definition,
                )
            )
            break
        comparisons = shape.merge_comparisons(
            [definition.selection_set], limits.max_merge_comparisons
        )
        if comparisons > limits.max_merge_comparisons:
            errors.append(
                GraphQLError(
                    "The operation repeats response names or fragments too often (more than "
                    f"{limits.max_merge_comparisons} pairs to compare when merging fields).",
                    definition,
                )
            )
    return errors


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0
            self.reported = False

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is not None:
                self.count += 1
                if self.count > max_aliases and not self.reported:
                    self.reported = True
                    self.report_error(
                        GraphQLError(f"More than {max_aliases} aliases in one document.", node)
                    )

    return AliasLimit


class NoIntrospection(ValidationRule):
    """Production: `__schema` and `__type` are refused (`__typename` stays allowed)."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(GraphQLError("Introspection is disabled.", node))
