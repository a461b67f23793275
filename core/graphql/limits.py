"""Validation rules that bound what one document may ask for: depth, aliases, introspection."""

from __future__ import annotations

from typing import Any

from graphql import (
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


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = self._depth(node.selection_set, 0, set())
            if depth > max_depth:
                self.report_error(
                    GraphQLError(f"Query depth {depth} exceeds the limit of {max_depth}.", node)
                )

        def _depth(
            self, selection_set: SelectionSetNode | None, current: int, seen: set[str]
        ) -> int:
            if selection_set is None:
                return current
            deepest = current
            for sel in selection_set.selections:
                if isinstance(sel, FieldNode):
                    if sel.name.value.startswith("__"):
                        continue
                    deepest = max(deepest, self._depth(sel.selection_set, current + 1, seen))
                elif isinstance(sel, InlineFragmentNode):
                    deepest = max(deepest, self._depth(sel.selection_set, current, seen))
                elif isinstance(sel, FragmentSpreadNode):
                    name = sel.name.value
                    if name in seen or name not in self.fragments:
                        continue
                    deepest = max(
                        deepest,
                        self._depth(self.fragments[name].selection_set, current, seen | {name}),
                    )
                if deepest > max_depth:
                    return deepest
            return deepest

    return DepthLimit


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
