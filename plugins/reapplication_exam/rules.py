"""Pure rules of M17 (2024 item 五): which subjects a re-applicant takes, and the transition.

Subjects: SUBJECT1 (科目一), SUBJECT2 (科目二), SUBJECT3_ROAD (科目三道路驾驶技能),
SUBJECT3_SAFETY (科目三安全文明驾驶常识).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from core.dates import add_years

from .errors import ReapplicationExamErrorCode

MEASURE = "reapplication_exam"  # the plugin's slug: its folder, its actions' prefix

EFFECTIVE = dt.date(2024, 7, 1)  # 五-二 "该项措施于2024年7月1日正式实施"
OVERDUE_YEARS = 3


class Subject(enum.StrEnum):
    """An exam subject of a re-application."""

    SUBJECT1 = "SUBJECT1"  # 科目一
    SUBJECT2 = "SUBJECT2"  # 科目二
    SUBJECT3_ROAD = "SUBJECT3_ROAD"  # 科目三道路驾驶技能
    SUBJECT3_SAFETY = "SUBJECT3_SAFETY"  # 科目三安全文明驾驶常识


S1, S2, S3_ROAD, S3_SAFETY = (
    Subject.SUBJECT1,
    Subject.SUBJECT2,
    Subject.SUBJECT3_ROAD,
    Subject.SUBJECT3_SAFETY,
)
ALL_SUBJECTS = (S1, S2, S3_ROAD, S3_SAFETY)
REDUCED = (S1, S3_ROAD)

SMALL_CAR = frozenset({"C1", "C2", "C3", "C4", "C5", "C6"})  # 小型汽车（C类）
LARGE = frozenset({"A1", "A2", "A3", "B1", "B2"})  # 大中型客货车
MOTORCYCLES = frozenset({"D", "E", "F"})
RESTORE_SMALL = frozenset({"C1", "C2"})  # 小型汽车 / 小型自动挡汽车

RULE_SCOPE = "M17 2024-五-一: 原准驾车型包含小型汽车（C类）驾驶证因逾期三年未换证被注销"
RULE_CASE = {
    1: "M17 2024-五-一-1: 小型汽车驾驶证被注销的，申请恢复原准驾车型",
    2: "M17 2024-五-一-2: 大中型客货车驾驶证被注销的，申请恢复小型汽车驾驶资格",
    3: "M17 2024-五-一-3: 包含C6准驾车型的驾驶证被注销的，申请恢复小型汽车、小型自动挡汽车驾驶资格",
    4: "M17 2024-五-一-4: 包含C6准驾车型的驾驶证被注销的，申请恢复C1、C6或者C2、C6准驾车型",
}
RULE_FULL = (
    "M17 2024-五-一: 申请恢复大中型客货车或者摩托车准驾车型驾驶资格的，按照现行规定参加全科目考试"
)
RULE_C6 = "M17 2024-五-一: 参加完科一和科三道路驾驶技能考试后自动恢复C6准驾车型驾驶资格"
RULE_TRANSITION_1 = "M17 2024-五-二: 7月1日前已报名还未参加科目二考试或者科目二考试未通过的，不再需要参加科目二考试和科目三安全文明常识考试"
RULE_TRANSITION_2 = (
    "M17 2024-五-二: 7月1日前报名已通过科目二考试的，不再需要参加科目三安全文明常识考试"
)
RULE_BEFORE = "M17 2024-五-二: 2024年7月1日前按原规定参加全科目考试"


class RegistrationStatus(enum.StrEnum):
    """Where a registration stands (workflow `reapplication_exam.registration`, workflow.py)."""

    OPEN = "OPEN"  # registered, subjects outstanding
    RESTORED = "RESTORED"  # every required subject passed: the licence is restored
    WITHDRAWN = "WITHDRAWN"  # the applicant withdrew it
    CLOSED = "CLOSED"  # the office closed it, with its reason


@dataclass(frozen=True)
class Plan:
    """What a re-applicant must take, and why."""

    case: int | None
    required: tuple[str, ...]
    remaining: tuple[str, ...]
    restores: tuple[str, ...]  # classes restored after passing (C6 added automatically in case 4)
    rules: tuple[str, ...]
    explanation: str


def overdue_three_years(valid_until: dt.date, day: dt.date) -> bool:
    """More than three years past the end of validity without renewal (逾期三年未换证).

    Overdue starts the day after `valid_until`; three full years are over at valid_until + 3 years,
    so the licence qualifies from the following day."""
    return day > add_years(valid_until, OVERDUE_YEARS)


def covers_small_car(classes: set[str]) -> bool:
    """The original licence includes a small-car (C) class, directly or through a large class."""
    return bool(classes & (SMALL_CAR | LARGE))


def restorable(original: set[str], requested: set[str]) -> str | None:
    """None if every requested class may be asked back, else the first class that may not."""
    for cls in sorted(requested):
        if cls in original:
            continue
        if cls == "C1" and original & LARGE:
            continue  # a large class covers the small car
        if cls == "C2" and original & (LARGE | {"C1"}):
            continue  # ... and C1 covers the small automatic car
        return cls
    return None


def classify(original: set[str], requested: set[str]) -> int | None:
    """Which of the four cases of 五-一 the request is (None: none of them: full exams)."""
    small = requested & SMALL_CAR
    if requested & (LARGE | MOTORCYCLES) or not small:
        return None
    if "C6" in original:
        if small in ({"C1", "C6"}, {"C2", "C6"}):
            return 4
        if small <= RESTORE_SMALL and len(small) == 1:
            return 3
        return None
    if "C6" in small:
        return None
    if original & LARGE and small <= RESTORE_SMALL and len(small) == 1:
        return 2
    if small <= original or small <= RESTORE_SMALL:
        return 1
    return None


def plan(
    original: set[str],
    requested: set[str],
    registered_on: dt.date,
    passed: set[str],
    day: dt.date,
) -> Plan:
    """The subjects required on `day` for a registration of `registered_on` (五-一, 五-二)."""
    case = classify(original, requested)
    restores = tuple(sorted(requested))
    if day < EFFECTIVE:
        required = ALL_SUBJECTS
        used = (RULE_BEFORE,)
        why = f"on {day}, before {EFFECTIVE}: all subjects (old rule)"
    elif case is None:
        required = ALL_SUBJECTS
        used = (RULE_FULL,)
        why = f"on {day}: {' '.join(restores)} is not one of the four cases: all subjects"
    else:
        required = REDUCED
        used = (RULE_CASE[case],) + ((RULE_C6,) if case == 4 else ())
        why = f"on {day}: case {case} of 五-一: Subject 1 and Subject 3 road test only"
        if registered_on < EFFECTIVE:
            if S2 in passed:
                used += (RULE_TRANSITION_2,)
                why += f"; registered {registered_on} (before {EFFECTIVE}), Subject 2 passed: no Subject 3 safety test"
            else:
                used += (RULE_TRANSITION_1,)
                why += f"; registered {registered_on} (before {EFFECTIVE}), Subject 2 not passed: no Subject 2 nor Subject 3 safety test"
    remaining = tuple(s for s in required if s not in passed)
    if case == 4:
        why += "; C6 restored automatically with " + ("C1" if "C1" in requested else "C2")
    return Plan(case, required, remaining, restores, used, why)


ReapplicationExamErrorCode.cites(
    {
        ReapplicationExamErrorCode.CANCELLED_FOR_OTHER_REASON: RULE_SCOPE,
        ReapplicationExamErrorCode.REASON_NOT_ON_FILE: RULE_SCOPE,
        ReapplicationExamErrorCode.NOT_OVERDUE_THREE_YEARS: RULE_SCOPE,
        ReapplicationExamErrorCode.NO_SMALL_CAR_CLASS: RULE_SCOPE,
        ReapplicationExamErrorCode.CLASS_NOT_RESTORABLE: RULE_SCOPE,
    }
)
