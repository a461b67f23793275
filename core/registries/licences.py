"""Driving licences (机动车驾驶证).

`classes` holds the 准驾车型 codes, space-separated in the order printed on the licence
("A1 A2", "C1 C6"). `first_issue_date` is 初次领证日期; `valid_from` / `valid_until` the 有效期限.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id

LICENCE_CLASSES = [
    "A1",
    "A2",
    "A3",
    "B1",
    "B2",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "D",
    "E",
    "F",
    "M",
    "N",
    "P",
]
SMALL_CAR_CLASSES = frozenset({"C1", "C2", "C3", "C4", "C5", "C6"})  # 小型汽车 family (C 类)
LARGE_CLASSES = frozenset({"A1", "A2", "A3", "B1", "B2"})  # 大中型客货车
MOTORCYCLE_CLASSES = frozenset({"D", "E", "F"})


class LicenceStatus(enum.StrEnum):
    """Licence status (驾驶证状态)."""

    NORMAL = "NORMAL"  # 正常
    CANCELLED = "CANCELLED"  # 注销
    CANCELLED_RESTORABLE = "CANCELLED_RESTORABLE"  # 注销可恢复
    SEIZED = "SEIZED"  # 暂扣 / 扣押
    REVOKED = "REVOKED"  # 吊销
    OVERDUE_RENEWAL = "OVERDUE_RENEWAL"  # 逾期未换证
    OVERDUE_REVIEW = "OVERDUE_REVIEW"  # 逾期未审验
    POINTS_EXCEEDED = "POINTS_EXCEEDED"  # 累积记分达到12分

    @property
    def label_zh(self) -> str:
        return _LABELS[self]


_LABELS = {
    LicenceStatus.NORMAL: "正常",
    LicenceStatus.CANCELLED: "注销",
    LicenceStatus.CANCELLED_RESTORABLE: "注销可恢复",
    LicenceStatus.SEIZED: "暂扣",
    LicenceStatus.REVOKED: "吊销",
    LicenceStatus.OVERDUE_RENEWAL: "逾期未换证",
    LicenceStatus.OVERDUE_REVIEW: "逾期未审验",
    LicenceStatus.POINTS_EXCEEDED: "累积记分满分",
}


class DrivingLicence(SQLModel, table=True):
    """A driving licence. Its number is the holder's ID number; `file_number` is 档案编号."""

    __tablename__ = "driving_licences"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    file_number: str = Field(max_length=20, unique=True)
    classes: str = Field(max_length=60)
    first_issue_date: dt.date
    valid_from: dt.date
    valid_until: dt.date
    status: str = Field(default=LicenceStatus.NORMAL.value, max_length=24)
    status_changed_at: dt.datetime | None = None
    points: int = 0
    issuing_city: str = Field(max_length=6, index=True)
    issuing_office_id: str | None = Field(default=None, foreign_key="offices.id")
    remarks: list[str] = json_field([])
    updated_at: dt.datetime

    def class_list(self) -> list[str]:
        return self.classes.split()


def parse_classes(text: str, field: str = "classes") -> list[str]:
    """Validate a list of licence classes separated by spaces or commas (`C1 C2`, `c1,c2`, and the
    full-width forms `Ｃ１，Ｃ２` typed by an input method); returns them in table order.
    Raises INVALID_INPUT naming `field`."""
    from core.errors import Code, RuleError
    from core.text import fold_width

    text = fold_width(text if isinstance(text, str) else "").replace("、", ",")
    parts = [p for p in text.replace(",", " ").upper().split() if p]
    if not parts or len(parts) > 12:
        raise RuleError(Code.INVALID_INPUT, "Give one or more licence classes.", field=field)
    unknown = [p for p in parts if p not in LICENCE_CLASSES]
    if unknown:
        raise RuleError(
            Code.INVALID_INPUT, f"Unknown licence class {unknown[0][:4]!r}.", field=field
        )
    return sorted(set(parts), key=LICENCE_CLASSES.index)
