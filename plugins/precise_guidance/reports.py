"""M19's figures per city and period: outlets, corrections and pushed to-dos."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts import Person
from core.dates import stored_bounds
from core.plugin_api import ReportResult, ReportRow, ReportSpec

from .models import GuidanceOutlet, OutletCorrection, TodoPush
from .rules import MEASURE

COLUMNS = ["outlets", "corrections", "accepted", "rejected", "pending", "todos_pushed"]


def build(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    """One row for the city between `start` and `end` (Beijing dates, inclusive)."""
    low, high = stored_bounds(start, end)

    def count(*where: object) -> int:
        return int(session.exec(select(func.count()).where(*where)).one())  # type: ignore[arg-type]

    in_city = OutletCorrection.city_code == city_code
    created = (OutletCorrection.created_at >= low, OutletCorrection.created_at < high)
    decided = (OutletCorrection.decided_at >= low, OutletCorrection.decided_at < high)  # type: ignore[operator]
    figures = {
        "outlets": count(GuidanceOutlet.city_code == city_code),
        "corrections": count(in_city, *created),
        "accepted": count(in_city, OutletCorrection.status == "ACCEPTED", *decided),
        "rejected": count(in_city, OutletCorrection.status == "REJECTED", *decided),
        "pending": count(in_city, OutletCorrection.status == "PENDING"),
        "todos_pushed": int(
            session.exec(
                select(func.count())
                .select_from(TodoPush)
                .join(Person, Person.id == TodoPush.person_id)  # type: ignore[arg-type]
                .where(
                    Person.domicile_city == city_code,
                    TodoPush.pushed_at >= low,
                    TodoPush.pushed_at < high,
                )
            ).one()
        ),
    }
    return ReportResult(COLUMNS, [ReportRow(city_code, figures)], ["pending: as of now."])


REPORT = ReportSpec(
    "precise_guidance_activity",
    MEASURE,
    "网上精准导办 工作情况",
    "ANY",
    build,
    subject_zh="精准导办工作情况",
    column_labels={
        "outlets": "导办网点数",
        "corrections": "补正次数",
        "todos_pushed": "推送待办数",
    },
)
