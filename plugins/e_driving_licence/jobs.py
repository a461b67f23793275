"""Scheduled job: rebuild and sign every status list from the live registries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from core.documents import credentials as cred


def rebuild_status_lists(platform: Any, now: dt.datetime) -> dict[str, Any]:
    with Session(platform.engine) as session:
        count = cred.rebuild_all(session, platform.keys, now, cred.platform_sources(platform))
        session.commit()
    return {"lists": count}
