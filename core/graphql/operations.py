"""How a plugin declares its operations: the permission gate, the mutation frame, the description.

    @operation_field("online_entrustment.read_own", "Entrustments I made or that name me.")
    def my_entrustments(self, info: strawberry.Info, ...) -> ...: ...

    @mutation("online_entrustment.create", "Entrust a named agent for one business of the table.",
              qualifier="owner of the vehicle / holder of the licence")
    def entrustment_create(self, info: strawberry.Info, input: ..., scope: WriteScope) -> Payload:
        grant = service.create(info.context, scope, ...)
        return EntrustmentPayload(entrustment=...)

- The action (`"<measure>.<operation>"`) is written once: it gates the field (`requires`, shown in
  the SDL as `@requires(action: ...)`), names the audit event and, for a mutation, its measure.
- `mutation` wraps the resolver in `MutationFrame` (a strawberry FieldExtension, as strawberry's own
  `InputMutationExtension` reshapes a mutation; saleor's `BaseMutation` is the same idea): the
  resolver runs inside `Context.mutate` (one transaction, its audit event, a RuleError rolled back
  and returned as `errors` of the payload) and receives the `WriteScope` as its `scope` parameter,
  which is not a GraphQL argument. The resolver is the business logic only.
- Every mutation returns a `Payload` subclass (`errors: [UserError!]!` plus its own fields).
- The "Roles: …" text of every gated field is generated from the permission table when the schema
  is composed (`core.permissions.describe_roles`), as saleor's `auto_permission_message` does;
  a plugin writes only the `qualifier` ("own city", "audited"), never the roles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField

from core.graphql.types import UserError
from core.permissions import requires

SCOPE_PARAMETER = "scope"


@strawberry.type(description="The result of a mutation: `errors` says why it was refused (then "
                 "nothing was written); empty when it succeeded.")  # fmt: skip
class Payload:
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the operation was refused (code, message, field, rule); nothing was "
        "written. Empty on success.",
    )


class MutationFrame(FieldExtension):
    """Runs a mutation's resolver inside `Context.mutate(action, payload, work, measure)` and
    hands it the `WriteScope` as its `scope` argument."""

    def __init__(self, action: str, measure: str | None = None) -> None:
        self.action = action
        self.measure = measure or action.split(".")[0]
        self._payload: type | None = None

    def apply(self, field: StrawberryField) -> None:
        self.field = field
        field.arguments = [a for a in field.arguments if a.python_name != SCOPE_PARAMETER]

    def payload_type(self) -> type:
        """The payload class the mutation returns (for the refusal answer)."""
        if self._payload is None:
            found: Any = self.field.type
            while isinstance(found, StrawberryOptional | StrawberryList):
                found = found.of_type
            if not (isinstance(found, type) and issubclass(found, Payload)):
                raise TypeError(
                    f"mutation {self.field.python_name} must return a Payload subclass, "
                    f"not {found!r}"
                )
            self._payload = found
        return self._payload

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        ctx = info.context

        def work(scope: Any) -> Any:
            return next_(source, info, **{SCOPE_PARAMETER: scope}, **kwargs)

        return ctx.mutate(self.action, self.payload_type(), work, self.measure)


def mutation(
    action: str,
    description: str,
    *,
    qualifier: str | None = None,
    measure: str | None = None,
    **kwargs: Any,
) -> Any:
    """A mutation gated by `action` and run in the mutation frame (see the module docstring)."""
    return strawberry.mutation(
        description=description,
        # the permission gate runs outside the frame: a refused role is a top-level FORBIDDEN
        # (strawberry nests extensions so that the last in this list is the outermost)
        extensions=[MutationFrame(action, measure), requires(action, qualifier)],
        **kwargs,
    )


def operation_field(
    action: str, description: str, *, qualifier: str | None = None, **kwargs: Any
) -> Any:
    """A query field gated by `action`; its "Roles:" text is generated from the permission table."""
    return strawberry.field(
        description=description, extensions=[requires(action, qualifier)], **kwargs
    )
