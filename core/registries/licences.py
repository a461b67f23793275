"""Driving licences (机动车驾驶证) and their status history.

`classes` holds the 准驾车型 codes, space-separated in the order printed on the licence
("A1 A2", "C1 C6"). `first_issue_date` is 初次领证日期; `valid_from` / `valid_until` the 有效期限.

Every status change is kept (`LicenceStatusChange`: the day it took effect, from, to, and for a
cancellation its reason), because rules decide on the status a licence had at some past date, not
only on its last one (M08 2021-八-二-3: "期间驾驶证状态变为'注销可恢复'的…"; M17 2024-五-一: "因逾
期三年未换证被注销"). `set_status` is the way to change a status: it stamps the change and the
cancellation reason; a flush listener records the history row for every status change made through
the ORM, including by code that only assigns `status`, so the history cannot be skipped.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel, select

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


class CancellationReason(enum.StrEnum):
    """Why a licence was cancelled (注销原因, 公安部令第162号 第七十九条)."""

    OVERDUE_RENEWAL = "OVERDUE_RENEWAL"  # 超过有效期未换证
    OVERDUE_REVIEW = "OVERDUE_REVIEW"  # 未按规定审验
    NO_HEALTH_CERTIFICATE = "NO_HEALTH_CERTIFICATE"  # 未按规定提交身体条件证明
    HOLDER_REQUEST = "HOLDER_REQUEST"  # 本人申请注销
    DECEASED = "DECEASED"  # 死亡
    UNFIT = "UNFIT"  # 身体条件不适合驾驶 / 丧失民事行为能力
    PERMIT_WITHDRAWN = "PERMIT_WITHDRAWN"  # 驾驶许可依法被撤销
    PROBATION_POINTS = "PROBATION_POINTS"  # 实习期内记满12分
    OTHER = "OTHER"

    @property
    def label_zh(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    CancellationReason.OVERDUE_RENEWAL: "超过有效期未换证",
    CancellationReason.OVERDUE_REVIEW: "未按规定审验",
    CancellationReason.NO_HEALTH_CERTIFICATE: "未按规定提交身体条件证明",
    CancellationReason.HOLDER_REQUEST: "本人申请注销",
    CancellationReason.DECEASED: "死亡",
    CancellationReason.UNFIT: "身体条件不适合驾驶",
    CancellationReason.PERMIT_WITHDRAWN: "驾驶许可被撤销",
    CancellationReason.PROBATION_POINTS: "实习期内记满12分",
    CancellationReason.OTHER: "其他",
}
CANCELLED_STATUSES = frozenset({"CANCELLED", "CANCELLED_RESTORABLE"})


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
    # why it is cancelled (CancellationReason), while the status is 注销 / 注销可恢复; else None
    cancellation_reason: str | None = Field(default=None, max_length=24)
    points: int = 0
    issuing_city: str = Field(max_length=6, index=True)
    issuing_office_id: str | None = Field(default=None, foreign_key="offices.id")
    remarks: list[str] = json_field([])
    updated_at: dt.datetime

    def class_list(self) -> list[str]:
        return self.classes.split()


class LicenceStatusChange(SQLModel, table=True):
    """One change of a licence's status: `at` when it took effect (None: before the history was
    kept and no date was on file), `from_status` (None for the status it was entered with),
    `to_status`, and `reason` (CancellationReason) for a cancellation."""

    __tablename__ = "driving_licence_status_changes"

    id: int | None = Field(default=None, primary_key=True)
    licence_id: str = Field(foreign_key="driving_licences.id", index=True, max_length=16)
    at: dt.datetime | None = None
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str = Field(max_length=24)
    reason: str | None = Field(default=None, max_length=24)


def set_status(
    licence: DrivingLicence,
    status: LicenceStatus,
    *,
    at: dt.datetime,
    reason: CancellationReason | None = None,
) -> None:
    """Change `licence`'s status as of `at` (an aware datetime from the clock). A cancellation
    (注销 / 注销可恢复) keeps `reason`; any other status clears it. The history row is written when
    the session flushes. Raises ValueError for a cancellation without a reason."""
    from core.db import stamp

    if status.value in CANCELLED_STATUSES and reason is None:
        raise ValueError("a cancellation needs its reason")
    licence.status = status.value
    licence.status_changed_at = stamp(at)
    licence.cancellation_reason = (
        reason.value if status.value in CANCELLED_STATUSES and reason else None
    )
    licence.updated_at = stamp(at)


@dataclass(frozen=True)
class StatusPeriod:
    """A status the licence held from `day` (None: date unknown) on, with its cancellation reason."""

    day: dt.date | None
    status: str
    reason: str | None


def status_history(session: Any, licence: DrivingLicence) -> list[StatusPeriod]:
    """The licence's statuses in order, oldest first (days in China time). A history row with no
    date takes `status_changed_at` when it is the current status; a licence with no history at
    all (created before the history was kept and never changed since) is one period: its status
    since `status_changed_at`."""
    from core.clock import to_china

    rows = session.exec(
        select(LicenceStatusChange)
        .where(LicenceStatusChange.licence_id == licence.id)
        .order_by(LicenceStatusChange.id)  # type: ignore[arg-type]
    ).all()
    known = to_china(licence.status_changed_at).date() if licence.status_changed_at else None
    if not rows:
        return [StatusPeriod(known, licence.status, licence.cancellation_reason)]
    periods = []
    for i, row in enumerate(rows):
        day = to_china(row.at).date() if row.at else None
        if day is None and i == len(rows) - 1 and row.to_status == licence.status:
            day = known
        periods.append(StatusPeriod(day, row.to_status, row.reason))
    return periods


def status_on(periods: list[StatusPeriod], day: dt.date) -> StatusPeriod | None:
    """The period in force on `day`: the last one that began on or before it (None if none did,
    or only undated ones)."""
    found = None
    for period in periods:
        if period.day is not None and period.day <= day:
            found = period
    return found


@event.listens_for(OrmSession, "before_flush")
def _record_status_changes(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Keep the history of every status change flushed through the ORM (see the module doc)."""
    rows: list[tuple[DrivingLicence, str | None, dt.datetime | None]] = []
    for obj in list(session.new):
        if isinstance(obj, DrivingLicence) and obj.status:
            rows.append((obj, None, obj.status_changed_at))
    for obj in list(session.dirty):
        if not isinstance(obj, DrivingLicence):
            continue
        state = inspect(obj).attrs
        history = state.status.history
        if history.has_changes() and history.deleted and history.deleted[0] != obj.status:
            stamped = state.status_changed_at.history.has_changes() and obj.status_changed_at
            rows.append((obj, history.deleted[0], stamped or obj.updated_at))
    for obj, before, at in rows:
        session.add(
            LicenceStatusChange(
                licence_id=obj.id,
                at=at,
                from_status=before,
                to_status=obj.status,
                reason=obj.cancellation_reason if obj.status in CANCELLED_STATUSES else None,
            )
        )


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
