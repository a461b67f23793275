"""Error codes of the re-application exam measure (M17)."""

from __future__ import annotations

from core.errors import ErrorCode


class ReapplicationExamErrorCode(ErrorCode):
    """Machine codes of this measure's refusals besides the core ones (core.errors.Code); each is
    in README.md."""

    NOT_CANCELLED = "REAPPLY_LICENCE_NOT_CANCELLED"  # the licence is not 注销
    CANCELLED_FOR_OTHER_REASON = "REAPPLY_CANCELLED_FOR_OTHER_REASON"  # not 逾期未换证
    REASON_NOT_ON_FILE = "REAPPLY_CANCELLATION_REASON_NOT_ON_FILE"  # the office records it first
    REASON_ON_FILE = "REAPPLY_CANCELLATION_REASON_ON_FILE"  # already recorded: not rewritten
    NOT_OVERDUE_THREE_YEARS = "REAPPLY_NOT_OVERDUE_THREE_YEARS"
    NO_SMALL_CAR_CLASS = "REAPPLY_NO_SMALL_CAR_CLASS"  # 原准驾车型不含小型汽车（C类）
    CLASS_NOT_RESTORABLE = "REAPPLY_CLASS_NOT_RESTORABLE"  # asked for a class the licence never had
    SUBJECT_NOT_REQUIRED = "REAPPLY_SUBJECT_NOT_REQUIRED"
    ALREADY_PASSED = "REAPPLY_SUBJECT_ALREADY_PASSED"
    NOT_OPEN = "REAPPLY_REGISTRATION_NOT_OPEN"
    REGISTERED = "REAPPLY_ALREADY_REGISTERED"
    REASON_REQUIRED = "REAPPLY_REASON_REQUIRED"  # closing a registration needs the reason
