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
- A refusal raised without a `measure` names the operation's measure (the frame for a
  mutation, the permission gate `core.permissions.Gate` for a query field), so a client always learns which measure refused.
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

from core.context import RolloutExemption, rollout_exemption
from core.graphql.types import UserError
from core.permissions import requires

SCOPE_PARAMETER = "scope"
ROLLOUT_METADATA = "rollout_exemption"  # strawberry field metadata: a RolloutExemption value

# what `way_out=` accepts: True (the whole operation is a way out), or a function of the
# operation's arguments (python names) saying whether this call is one (e.g. a decision that
# rejects, not one that approves)
WayOut = bool | Callable[[dict[str, Any]], bool]


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

        return ctx.mutate(self.action, self.payload_type(), work, self.measure, grouped=True)


class RolloutExempt(FieldExtension):
    """Runs the resolver as an operation declared a way out of an open case or a read of one's
    own records (`core.context.RolloutExemption`): `ctx.require_in_force` inside it does not
    refuse because the measure was switched off. `when(arguments)` narrows it to some calls."""

    def __init__(
        self, kind: RolloutExemption, when: Callable[[dict[str, Any]], bool] | None = None
    ) -> None:
        self.kind = kind
        self.when = when

    def _kind(self, kwargs: dict[str, Any]) -> RolloutExemption | None:
        return self.kind if self.when is None or self.when(kwargs) else None

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        with rollout_exemption(self._kind(kwargs)):
            return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        with rollout_exemption(self._kind(kwargs)):
            return await next_(source, info, **kwargs)


def _exempt(kind: RolloutExemption, flag: WayOut, kwargs: dict[str, Any]) -> list[FieldExtension]:
    """The exemption extension for `flag` (none when False), and the field metadata naming it."""
    if flag is False:
        return []
    kwargs["metadata"] = {**(kwargs.get("metadata") or {}), ROLLOUT_METADATA: kind}
    return [RolloutExempt(kind, None if flag is True else flag)]


def mutation(
    action: str,
    description: str,
    *,
    qualifier: str | None = None,
    measure: str | None = None,
    way_out: WayOut = False,
    **kwargs: Any,
) -> Any:
    """A mutation gated by `action` and run in the mutation frame (see the module docstring).

    `way_out=True` declares a way out of a case already open (withdraw, cancel, close, reject
    with a reason, lift, an appeal's decision): the measure's rollout does not refuse it, so
    switching a measure off strands no one (docs/plugins.md, rule 2). A function of the
    arguments narrows it (`way_out=lambda a: not a["approve"]`)."""
    exempt = _exempt(RolloutExemption.WAY_OUT, way_out, kwargs)
    return strawberry.mutation(
        description=description,
        # the permission gate runs outside the frame: a refused role is a top-level FORBIDDEN
        # (strawberry nests extensions so that the last in this list is the outermost); the
        # rollout exemption runs inside the frame, around the resolver only
        extensions=[*exempt, MutationFrame(action, measure), requires(action, qualifier)],
        **kwargs,
    )


def operation_field(
    action: str,
    description: str,
    *,
    qualifier: str | None = None,
    own_records: bool = False,
    **kwargs: Any,
) -> Any:
    """A query field gated by `action`; its "Roles:" text is generated from the permission table.

    `own_records=True` declares a read of the caller's own records (or the open cases staff must
    still settle): the measure's rollout does not refuse it (docs/plugins.md, rule 2)."""
    exempt = _exempt(RolloutExemption.OWN_RECORDS, own_records, kwargs)
    return strawberry.field(
        description=description,
        extensions=[*exempt, requires(action, qualifier, names_measure=True)],
        **kwargs,
    )
