"""Pure rules of M05: time windows (nights, weekends, statutory holidays), markings, answers."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Protocol

from core.errors import Code, RuleError
from core.text import fold_width, strip_blanks

from .errors import ResidentialParkingErrorCode

MEASURE = "residential_parking"  # the plugin's slug: its folder, its actions' prefix
M = "M05"
RULE_WINDOWS = f"{M} 2021-五-一: 科学划定允许居民在夜间、周末和法定假期停车的路段、时段"
RULE_EMERGENCY = f"{M} 2021-五-一: 路内停车不得影响应急救援车辆通行"
RULE_SIGN_ONLY = f"{M} 2021-五-二: 可以只设置相应交通标志，不施划停车位"
RULE_BAYS = f"{M} 2021-五-二: 施划停车位的，要在车位内标明允许停车的时间"
RULE_SIGNS = f"{M} 2021-五-二: 设置配套的标志标线，准确传递允许停车的位置、时间以及具体停放要求"
RULE_ADJUST = f"{M} 2021-五-三: 路内停车影响应急救援车辆通行的，要及时予以调整"
RULE_WITHDRAW = f"{M} 2021-五-三: 小区周边停车资源增加，停车难问题得到有效解决的，可逐步减少或取消路内临时停车位"
RULE_DEADLINE = (
    f"{M} 2021-五-一: 5月底前，各个市、县都要按要求划定和出台一批允许临时停车的路段及时段"
)
# The seed asks for the first designations, published, and their signs "5月底前" and names no
# earlier date: the measure opens on the first day of that month, so the work it asks for by
# 2021-05-31 can be recorded before the deadline it serves (not only from 2021-06-01).
OPENS = dt.date(2021, 5, 1)

DAY = 24 * 60
NIGHT_START = 17 * 60  # a night window lies within 17:00 .. 09:00 next morning (platform reading)
NIGHT_END = 9 * 60
MAX_WINDOWS = 6
_HHMM = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])")  # [0-9], not \d (every script's digits)


class WindowKind(enum.StrEnum):
    """夜间 / 周末 / 法定假期 (五-一)."""

    NIGHT = "NIGHT"
    WEEKEND = "WEEKEND"
    HOLIDAY = "HOLIDAY"


KINDS = tuple(WindowKind)


class Marking(enum.StrEnum):
    """标志 only, or painted bays (五-二)."""

    SIGN_ONLY = "SIGN_ONLY"
    BAYS = "BAYS"


class ChangeReason(enum.StrEnum):
    """Why a segment changes (五-三)."""

    EVALUATION = "EVALUATION"  # 跟踪评估
    EMERGENCY_ACCESS = "EMERGENCY_ACCESS"  # 影响应急救援车辆通行
    OFF_STREET_SUFFICIENT = "OFF_STREET_SUFFICIENT"  # 停车资源增加，停车难问题得到有效解决


class SegmentStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"  # kept with its history, never changed again


class VersionAction(enum.StrEnum):
    """What made a new version of a segment."""

    DESIGNATE = "DESIGNATE"
    ADJUST = "ADJUST"
    WITHDRAW = "WITHDRAW"
    SIGNS = "SIGNS"


class AnswerReason(enum.StrEnum):
    """Why a resident may (not) park on a segment at an instant."""

    WINDOW_MATCHED = "WINDOW_MATCHED"
    OUTSIDE_WINDOWS = "OUTSIDE_WINDOWS"
    WITHDRAWN = "WITHDRAWN"
    NOT_DESIGNATED = "NOT_DESIGNATED"
    SIGNS_NOT_INSTALLED = "SIGNS_NOT_INSTALLED"


class DayType(enum.StrEnum):
    """The kind of a calendar day (holiday calendar, 调休 included)."""

    WORKDAY = "WORKDAY"
    WEEKEND = "WEEKEND"
    HOLIDAY = "HOLIDAY"
    SWAPPED_WORKDAY = "SWAPPED_WORKDAY"  # a Saturday or Sunday declared a working day


class Calendar(Protocol):
    def is_workday(self, day: dt.date) -> bool: ...
    def is_statutory_holiday(self, day: dt.date) -> bool: ...
    def holiday_name(self, day: dt.date) -> str | None: ...


def parse_time(text: str, field: str) -> int:
    """ "HH:MM" -> minute of the day; "24:00" allowed as an end."""
    match = _HHMM.fullmatch(strip_blanks(fold_width(text))) if isinstance(text, str) else None
    minute = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not match or minute > DAY:
        raise RuleError(
            ResidentialParkingErrorCode.INVALID_WINDOW,
            f"`{field}`: {text!r} is not HH:MM.",
            field=field,
        )
    return minute


def fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def covered(start: int, end: int) -> set[int]:
    """Minutes of the day a window covers; start > end crosses midnight."""
    if start < end:
        return set(range(start, end))
    return set(range(start, DAY)) | set(range(0, end))


NIGHT_MINUTES = covered(NIGHT_START, NIGHT_END)


def check_window(kind: str, start: int, end: int, field: str = "windows") -> dict:
    """One window, validated: NIGHT lies within the night; WEEKEND/HOLIDAY any non-empty range."""
    if kind not in KINDS:
        raise RuleError(Code.INVALID_INPUT, f"Unknown window kind {kind!r}.", field=field)
    if start == end or start >= DAY:
        raise RuleError(
            ResidentialParkingErrorCode.INVALID_WINDOW,
            f"{fmt(start)}-{fmt(end)} is not a window.",
            field=field,
        )
    if kind == "NIGHT" and not covered(start, end) <= NIGHT_MINUTES:
        raise RuleError(
            ResidentialParkingErrorCode.NOT_A_NIGHT_WINDOW,
            f"A night window must lie within {fmt(NIGHT_START)}-{fmt(NIGHT_END)}.",
            field=field,
        )
    return {"kind": kind, "start": start, "end": end}


def check_windows(windows: list[dict]) -> list[dict]:
    if not windows or len(windows) > MAX_WINDOWS:
        raise RuleError(
            Code.INVALID_INPUT, f"Give 1 to {MAX_WINDOWS} time windows.", field="windows"
        )
    return windows


def check_marking(marking: str, bay_count: int, bay_time_marked: bool) -> None:
    """SIGN_ONLY needs no bays; BAYS need a count and the allowed time marked in each bay."""
    if marking == "SIGN_ONLY":
        if bay_count != 0:
            raise RuleError(
                ResidentialParkingErrorCode.BAY_COUNT,
                "A sign-only segment has no painted bays.",
                field="bayCount",
                rule=RULE_SIGN_ONLY,
            )
        return
    if not 1 <= bay_count <= 1000:
        raise RuleError(
            ResidentialParkingErrorCode.BAY_COUNT,
            "Give the number of bays (1-1000).",
            field="bayCount",
            rule=RULE_BAYS,
        )
    if not bay_time_marked:
        raise RuleError(
            ResidentialParkingErrorCode.BAY_TIME_NOT_MARKED,
            "Painted bays must show the allowed parking time.",
            field="bayTimeMarked",
        )


def check_not_emergency(emergency_route: bool, field: str = "emergencyRoute") -> None:
    if emergency_route:
        raise RuleError(
            ResidentialParkingErrorCode.EMERGENCY_ROUTE,
            "On-street parking may not be designated on an emergency route.",
            field=field,
        )


def day_type(calendar: Calendar, day: dt.date) -> DayType:
    """HOLIDAY (statutory), WEEKEND (Saturday/Sunday that is not a swapped working day),
    SWAPPED_WORKDAY (a weekend day declared a working day, 调休) or WORKDAY."""
    if calendar.is_statutory_holiday(day):
        return DayType.HOLIDAY
    if day.weekday() >= 5:
        return DayType.SWAPPED_WORKDAY if calendar.is_workday(day) else DayType.WEEKEND
    return DayType.WORKDAY


def _qualifies(kind: str, calendar: Calendar, day: dt.date) -> bool:
    if kind == "NIGHT":
        return True
    if kind == "WEEKEND":  # a Saturday or Sunday off work, also when it is part of a holiday
        return day.weekday() >= 5 and not calendar.is_workday(day)
    return calendar.is_statutory_holiday(day)


def matching_window(windows: list[dict], calendar: Calendar, at: dt.datetime) -> dict | None:
    """The first window covering the local instant `at`. A window crossing midnight belongs to
    the day it starts on (a weekend window 20:00-08:00 starting on Sunday covers Monday 07:59)."""
    minute = at.hour * 60 + at.minute
    today = at.date()
    for w in windows:
        start, end = w["start"], w["end"]
        if start < end:
            day = today if start <= minute < end else None
        elif minute >= start:
            day = today
        elif minute < end:
            day = today - dt.timedelta(days=1)
        else:
            day = None
        if day is not None and _qualifies(w["kind"], calendar, day):
            return w
    return None


@dataclass(frozen=True)
class Answer:
    allowed: bool
    reason: AnswerReason
    window: dict | None
    rule: str


def answer(
    status: str | None,
    windows: list[dict],
    signs_installed_on: dt.date | None,
    calendar: Calendar,
    at: dt.datetime,
) -> Answer:
    """May a resident park on the segment at `at` (Beijing time)? `status` is the segment's
    status in the version in effect at `at` (None: not designated yet)."""
    if status is None:
        return Answer(False, AnswerReason.NOT_DESIGNATED, None, RULE_WINDOWS)
    if status == "WITHDRAWN":
        return Answer(False, AnswerReason.WITHDRAWN, None, RULE_WITHDRAW)
    if signs_installed_on is None or signs_installed_on > at.date():
        return Answer(False, AnswerReason.SIGNS_NOT_INSTALLED, None, RULE_SIGNS)
    window = matching_window(windows, calendar, at)
    if window is None:
        return Answer(False, AnswerReason.OUTSIDE_WINDOWS, None, RULE_WINDOWS)
    return Answer(True, AnswerReason.WINDOW_MATCHED, window, RULE_WINDOWS)


def describe(window: dict) -> str:
    return f"{window['kind']} {fmt(window['start'])}-{fmt(window['end'])}"


ResidentialParkingErrorCode.cites(
    {
        ResidentialParkingErrorCode.EMERGENCY_ROUTE: RULE_EMERGENCY,
        ResidentialParkingErrorCode.INVALID_WINDOW: RULE_WINDOWS,
        ResidentialParkingErrorCode.NOT_A_NIGHT_WINDOW: RULE_WINDOWS,
        ResidentialParkingErrorCode.BAY_TIME_NOT_MARKED: RULE_BAYS,
        ResidentialParkingErrorCode.WITHDRAWN: RULE_WITHDRAW,
        ResidentialParkingErrorCode.WITHDRAW_REASON: RULE_WITHDRAW,
        ResidentialParkingErrorCode.SIGNS_DATE: RULE_SIGNS,
    }
)
