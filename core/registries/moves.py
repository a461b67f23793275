"""An application moved by the caller of the request: `applications.transition` with the
request's clock and the caller's account, the two arguments every staff step passes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from core.context import Context
from core.registries.applications import Application, AppStatus, transition


def move_by_caller(
    ctx: Context,
    session: Session,
    app: Application,
    to: AppStatus,
    *,
    note: str | None = None,
    notify: bool = False,
    params: Mapping[str, Any] | None = None,
) -> Application:
    """`transition(session, app, to, now=ctx.now(), actor_account_id=<the caller's account>,
    note=note)`; with `notify=True` the transition's declared notice is sent (with `params`).
    Raises INVALID_TRANSITION (no declared move from the current status) or CONFLICT (moved
    by someone else meanwhile)."""
    return transition(
        session,
        app,
        to,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        note=note,
        ctx=ctx if notify else None,
        params=params,
    )
