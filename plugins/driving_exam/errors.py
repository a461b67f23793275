"""Error codes of the driving-exam measure (M03)."""

from __future__ import annotations

from core.errors import ErrorCode


class DrivingExamErrorCode(ErrorCode):
    """Machine codes of this measure's refusals besides the core ones (core.errors.Code); each is
    in README.md."""

    BOOKING_TOO_EARLY = "EXAM_BOOKING_TOO_EARLY"  # Subject 3 booked before the interval ran out
    EXAM_DATE_IN_PAST = "EXAM_DATE_IN_PAST"
    PERMIT_EXPIRED = "EXAM_PERMIT_EXPIRED"  # learner permit (学习驾驶证明) older than 3 years
    LOCATION_CHANGES_EXHAUSTED = "EXAM_LOCATION_CHANGES_EXHAUSTED"
    SPLIT_EXAM_NOT_ALLOWED = "EXAM_SPLIT_NOT_ALLOWED"  # class not a small car
    SAME_LOCATION = "EXAM_SAME_LOCATION"
    CLASS_ALREADY_HELD = "EXAM_CLASS_ALREADY_HELD"
    FIRST_APPLICATION_CLASS = "EXAM_FIRST_APPLICATION_CLASS_NOT_ALLOWED"
    ITEMS_NOT_COVERED = "EXAM_SUBJECT2_ITEMS_NOT_COVERED"
    PERMIT_NOT_ACTIVE = "EXAM_PERMIT_NOT_ACTIVE"
