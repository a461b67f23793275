"""Pure rules of M03 (2021 item 三): Subject 2 items, Subject 3 booking interval, split exams.

No database, no GraphQL: every function takes dates and classes and answers with a `Decision`
that names the rule and the dates it used.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from core.dates import add_years

from .errors import DrivingExamErrorCode

MEASURE = "driving_exam"  # the plugin's slug: its folder, its actions' prefix

EFFECTIVE = dt.date(2021, 6, 1)  # 三-一-3 / 三-二 "自 6 月 1 日起"
PERMIT_YEARS = 3  # 学习驾驶证明有效期三年 (公安部令第162号)

# 三-一: small automatic car (C2) and disabled small automatic car (C5) lose hill start from 2021-06-01
ITEMS_5 = ("倒车入库", "坡道定点停车和起步", "侧方停车", "曲线行驶", "直角转弯")
ITEMS_4 = ("倒车入库", "侧方停车", "曲线行驶", "直角转弯")
SUBJECT2_CLASSES = frozenset({"C1", "C2", "C5"})  # the 5-item small-car lists this plugin holds
FOUR_ITEM_CLASSES = frozenset({"C2", "C5"})

LARGE_CLASSES = frozenset({"A1", "A2", "A3", "B1", "B2"})  # 大中型客货车
FIRST_LARGE_CLASSES = frozenset({"A3", "B2"})  # 城市公交车, 大型货车: may be applied for first
ADD_ONLY_CLASSES = frozenset({"A1", "A2", "B1"})  # only by 增驾
SPLIT_EXAM_CLASSES = frozenset({"C1", "C2", "C5"})  # 小型汽车驾驶证异地分科目考试 (三-三)


class PermitKind(enum.StrEnum):
    """Whether a learner permit is for a first licence or adds a class to a held one."""

    FIRST = "FIRST"  # 初次申领
    ADD = "ADD"  # 增加准驾车型 (增驾)


FIRST = PermitKind.FIRST
ADD = PermitKind.ADD
KINDS = (FIRST, ADD)

RULE_ITEMS = "M03 2021-三-一: 科目二取消坡道定点停车和起步, 由5项减少为4项"
RULE_C2 = "M03 2021-三-二-1: 小型自动挡/残疾人专用小型自动挡 科目三预约间隔由30日调整为20日"
RULE_ADD_LARGE = "M03 2021-三-二-2: 增驾大中型客货车 科目三预约间隔由40日调整为30日"
RULE_FIRST_LARGE = "M03 2021-三-二-3: 初次申领城市公交车、大型货车 仍为取得学习驾驶证明40日后"
RULE_OTHER = "M03 2021-三-二 (其他准驾车型不变; 设置 other_class_interval_days)"
RULE_BY_BOOKING_DATE = "M03 2021-三-二: 是指6月1日以后申请预约考试"
RULE_SPLIT = "M03 2021-三-三: 异地分科目考试变更考试地的次数由1次调整为不超过3次"
RULE_PERMIT = "公安部令第162号: 学习驾驶证明有效期为三年"


@dataclass(frozen=True)
class Decision:
    """An answer with the rule it applied and a sentence that says which dates it used."""

    value: object
    rule: str
    explanation: str


def subject2_items(licence_class: str, exam_date: dt.date) -> Decision:
    """The Subject 2 items for a small-car class on an exam date (三-一)."""
    if licence_class not in SUBJECT2_CLASSES:
        raise ValueError(licence_class)
    if licence_class in FOUR_ITEM_CLASSES and exam_date >= EFFECTIVE:
        return Decision(
            ITEMS_4, RULE_ITEMS, f"{licence_class} exam on {exam_date}: 4 items (from {EFFECTIVE})"
        )
    why = (
        f"{licence_class} exam on {exam_date}: 5 items (before {EFFECTIVE})"
        if licence_class in FOUR_ITEM_CLASSES
        else f"{licence_class} exam on {exam_date}: 5 items (unchanged for {licence_class})"
    )
    return Decision(ITEMS_5, RULE_ITEMS, why)


def interval_days(
    licence_class: str, kind: str, booking_date: dt.date, other_days: int = 30
) -> Decision:
    """Days after the learner permit before Subject 3 may be booked, by the booking date (三-二)."""
    new = booking_date >= EFFECTIVE
    if licence_class in FOUR_ITEM_CLASSES:
        return Decision(20 if new else 30, RULE_C2, "")
    if licence_class in LARGE_CLASSES and kind == ADD:
        return Decision(30 if new else 40, RULE_ADD_LARGE, "")
    if licence_class in FIRST_LARGE_CLASSES and kind == FIRST:
        return Decision(40, RULE_FIRST_LARGE, "")
    return Decision(other_days, RULE_OTHER, "")


def may_book_subject3(
    licence_class: str, kind: str, permit_date: dt.date, booking_date: dt.date, other_days: int = 30
) -> Decision:
    """Whether Subject 3 may be booked on `booking_date` (value: bool), with the rule and dates."""
    rule = interval_days(licence_class, kind, booking_date, other_days)
    days = int(rule.value)  # type: ignore[call-overload]
    earliest = permit_date + dt.timedelta(days=days)
    regime = "new rule" if booking_date >= EFFECTIVE else "old rule"
    text = (
        f"booking on {booking_date}: {licence_class}, {days} days after permit of {permit_date} "
        f"({regime}, by booking date) -> earliest {earliest}, rule {rule.rule}"
    )
    return Decision(booking_date >= earliest, rule.rule, text)


def earliest_subject3_booking(
    licence_class: str, kind: str, permit_date: dt.date, other_days: int = 30
) -> Decision:
    """The first day Subject 3 may be booked (value: date). The rule of the booking date decides,
    so before 2021-06-01 the old interval applies and from then on the new one (三-二)."""
    old = interval_days(licence_class, kind, EFFECTIVE - dt.timedelta(days=1), other_days)
    new = interval_days(licence_class, kind, EFFECTIVE, other_days)
    by_old = permit_date + dt.timedelta(days=int(old.value))  # type: ignore[call-overload]
    by_new = max(permit_date + dt.timedelta(days=int(new.value)), EFFECTIVE)  # type: ignore[call-overload]
    if by_old < EFFECTIVE and by_old <= by_new:
        days, rule, day = old.value, old.rule, by_old
        regime = f"rule before {EFFECTIVE}"
    else:
        days, rule, day = new.value, new.rule, by_new
        regime = f"rule from {EFFECTIVE}" + (
            f" (not before {EFFECTIVE}: {RULE_BY_BOOKING_DATE})"
            if day == EFFECTIVE and permit_date + dt.timedelta(days=int(new.value)) < EFFECTIVE  # type: ignore[call-overload]
            else ""
        )
    text = (
        f"earliest booking {day}: {licence_class}, {days} days after permit of {permit_date}, "
        f"{regime}, rule {rule}"
    )
    return Decision(day, rule, text)


def permit_valid_until(permit_date: dt.date) -> dt.date:
    """Last day of the learner permit (three years; the day before the anniversary)."""
    return add_years(permit_date, PERMIT_YEARS) - dt.timedelta(days=1)


def max_location_changes(application_date: dt.date) -> Decision:
    """How many times a split exam may change its exam city, by the application date (三-三)."""
    if application_date >= EFFECTIVE:
        return Decision(
            3, RULE_SPLIT, f"on {application_date}: at most 3 changes (from {EFFECTIVE})"
        )
    return Decision(1, RULE_SPLIT, f"on {application_date}: at most 1 change (before {EFFECTIVE})")


DrivingExamErrorCode.cites(
    {
        DrivingExamErrorCode.PERMIT_EXPIRED: RULE_PERMIT,
        DrivingExamErrorCode.SPLIT_EXAM_NOT_ALLOWED: RULE_SPLIT,
        DrivingExamErrorCode.FIRST_APPLICATION_CLASS: "公安部令第162号: 初次申领准驾车型范围",
        DrivingExamErrorCode.ITEMS_NOT_COVERED: RULE_ITEMS,
    }
)
