"""Declared workflows: the states a measure's applications, cases or bookings go through, who may
move them where, and whom each move is told to.

A measure declares every state machine it runs (`register_workflows`): its states, the states a
record starts in, the final ones, and the transitions (name, from, to, which party takes it, the
notice it sends). `move` is then the one way a record's status changes: it refuses a transition
that is not declared from the record's current state (INVALID_TRANSITION), moves the record with
one conditional UPDATE (CONFLICT when someone else moved it first, so two concurrent decisions
cannot both succeed), and sends the transition's declared notice to the people concerned.

Because the graph is declared, it can be checked: `problems` names every state reachable from a
start with no way forward or out, every state from which no final state can be reached, and every
state no transition reaches; `tests/test_workflows.py` runs it over every registered measure.
The seeds forbid leaving people stuck ("严禁…导致群众来回跑", "及时解决").

Ways out (`Workflow.ways_out`): the transitions that end an open record for the people concerned
(withdraw, cancel, close, reject with a reason, lift, an appeal's decision) keep working when the
measure is switched off in the city: the rollout gates new business only. The operations that
take them are declared `@mutation(..., way_out=True)` (core/graphql/operations.py), and
`tests/test_rollout_ways_out.py` fails if one of a measure's ways out is not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from core.errors import Code, RuleError
from core.notices import Addressee


class Party(enum.StrEnum):
    """Who takes a transition."""

    APPLICANT = "APPLICANT"  # the person or unit whose application / case / booking it is
    OFFICE = "OFFICE"  # staff of the office or police unit handling it
    PARTNER = "PARTNER"  # the partner firm concerned (courier, scrapping firm, lender)
    SYSTEM = "SYSTEM"  # a scheduled job (a deadline passed, a period ended)


@dataclass(frozen=True)
class Transition:
    """One declared move: from any of `source` to `target`, taken by any of `by`; `notice` is
    the template (core/notices.py) sent to the workflow's addressees when it happens."""

    name: str
    source: tuple[str, ...]
    target: str
    by: tuple[Party, ...]
    notice: str | None = None
    # a way out of an open record (kept when the measure is switched off); None: decided by the
    # name (`WAY_OUT_NAMES`) for a transition into a final state
    way_out: bool | None = None


# the names of transitions that end a record for the people concerned rather than carry the
# business out (a completion, an issue, a use are new business: gated by the rollout)
WAY_OUT_NAMES = frozenset(
    {"withdraw", "cancel", "reject", "close", "office_close", "lift", "overturn", "revoke",
     "release", "dismiss", "uphold", "resolve", "decide", "insurer_resolve"}
)  # fmt: skip


@dataclass(frozen=True)
class Workflow:
    """A measure's state machine (see the module docstring).

    `addressees(record)` names whom the notices go to (the applicant; a unit; the firm), and
    `notice_params(record)` the parameters every notice of this workflow can use."""

    name: str  # "<measure>.<thing>"
    measure: str
    states: tuple[str, ...]
    initial: tuple[str, ...]
    final: tuple[str, ...]
    transitions: tuple[Transition, ...]
    addressees: Callable[[Any], Iterable[Addressee | str | None]] = field(
        default=lambda record: (), compare=False
    )
    notice_params: Callable[[Any], Mapping[str, Any]] = field(
        default=lambda record: {}, compare=False
    )

    def __post_init__(self) -> None:
        if not self.name.startswith(f"{self.measure}."):
            raise ValueError(f"workflow {self.name!r} is not named '{self.measure}.<thing>'")
        known = set(self.states)
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"workflow {self.name!r}: a transition name is used twice")
        for state in (*self.initial, *self.final):
            if state not in known:
                raise ValueError(f"workflow {self.name!r}: unknown state {state!r}")
        for t in self.transitions:
            for state in (*t.source, t.target):
                if state not in known:
                    raise ValueError(f"workflow {self.name!r}, {t.name}: unknown state {state!r}")
            if set(t.source) & set(self.final):
                raise ValueError(f"workflow {self.name!r}, {t.name}: leaves a final state")

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(f"workflow {self.name!r} declares no transition {name!r}")

    def ways_out(self) -> list[Transition]:
        """The transitions a person takes to end an open record (see the module docstring): into
        a final state, not by a job alone, and named as a way out (or declared `way_out=True`)."""
        found = []
        for t in self.transitions:
            if t.way_out is None:
                out = t.target in self.final and t.name in WAY_OUT_NAMES
            else:
                out = t.way_out
            if out and set(t.by) != {Party.SYSTEM}:
                found.append(t)
        return found

    def exits(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def reachable(self) -> set[str]:
        seen, todo = set(self.initial), list(self.initial)
        while todo:
            state = todo.pop()
            for t in self.exits(state):
                if t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen

    def problems(self) -> list[str]:
        """What leaves someone stuck or cannot happen: a reachable state that is not final and
        has no exit, one from which no final state can be reached, a state nothing reaches."""
        found = []
        reachable = self.reachable()
        for state in self.states:
            if state not in reachable:
                found.append(f"{self.name}: {state} is never reached")
        finishing = set(self.final)
        changed = True
        while changed:
            changed = False
            for t in self.transitions:
                if t.target in finishing:
                    for state in t.source:
                        if state not in finishing:
                            finishing.add(state)
                            changed = True
        for state in sorted(reachable - set(self.final)):
            if not self.exits(state):
                found.append(f"{self.name}: {state} is not final and nothing leaves it")
            elif state not in finishing:
                found.append(f"{self.name}: from {state} no final state can be reached")
        return found


def move(
    ctx: Any,
    session: Any,
    workflow: Workflow,
    record: Any,
    transition: str,
    *,
    status_field: str = "status",
    values: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    field_name: str = "status",
) -> Transition:
    """Take the declared `transition` on `record` (a SQLModel row whose `status_field` holds the
    state): INVALID_TRANSITION (naming `field_name`) when it is not declared from the current
    state, CONFLICT when the row moved meanwhile. `values` are written in the same UPDATE. The
    transition's notice goes to `workflow.addressees(record)` with `workflow.notice_params(record)`
    and `params`. Returns the transition taken."""
    t = workflow.transition(transition)
    current = getattr(record, status_field)
    current = getattr(current, "value", current)
    if current not in t.source:
        raise RuleError(
            Code.INVALID_TRANSITION,
            f"Cannot {t.name.replace('_', ' ')} from {current}.",
            field=field_name,
        )
    table = type(record).__table__
    (key,) = [c for c in table.primary_key.columns]
    changes = {status_field: t.target, **(values or {})}
    moved = session.execute(
        update(table)
        .where(key == getattr(record, key.name), table.c[status_field] == current)
        .values(**changes)
    )
    if moved.rowcount != 1:
        raise RuleError(
            Code.CONFLICT, "It was changed by someone else meanwhile; reload it.", field=field_name
        )
    for name, value in changes.items():
        set_committed_value(record, name, value)
    if t.notice is not None:
        merged = {**workflow.notice_params(record), **(params or {})}
        for to in workflow.addressees(record):
            if to:
                ctx.notify(session, to, t.notice, merged)
    return t


def check_all(workflows: Iterable[Workflow], notices: Mapping[str, Any]) -> list[str]:
    """Every problem of every workflow, plus notices that no measure declares."""
    found = []
    for wf in workflows:
        found.extend(wf.problems())
        for t in wf.transitions:
            if t.notice is not None and t.notice not in notices:
                found.append(f"{wf.name}, {t.name}: notice {t.notice!r} is not declared")
    return found
