"""Error codes of M20 unit accounts (besides the core codes in core.errors.Code)."""

from __future__ import annotations

from core.errors import ErrorCode


class UnitAccountErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_YET_EFFECTIVE = "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE"  # 八-二: from 2024-07-01
    PERSONAL_ACCOUNT_REQUIRED = "UNIT_PERSONAL_ACCOUNT_REQUIRED"  # 八-二
    UNIT_ROLE_REQUIRED = "UNIT_ROLE_REQUIRED"  # 八-二: LP / admin only
    WINDOW_ONLY = "UNIT_WINDOW_ONLY"  # 八-二: LP / admin changed at a window only
    ALREADY_MEMBER = "UNIT_ALREADY_MEMBER"
    UNIT_MEMBER_LIMIT = "UNIT_MEMBER_LIMIT"  # 八-一-2 limit kept on adds
    PERSON_UNIT_LIMIT = "UNIT_PERSON_UNIT_LIMIT"  # 八-一-3 limit kept on adds
    PLATE_GRANT_REQUIRED = "UNIT_PLATE_GRANT_REQUIRED"  # 八-三
    VEHICLE_NOT_ELIGIBLE = "UNIT_VEHICLE_NOT_ELIGIBLE"
    QR_EXPIRED = "UNIT_QR_EXPIRED"  # 八-二 QR sign-in
    QR_NOT_APPROVED = "UNIT_QR_NOT_APPROVED"
    QR_ALREADY_USED = "UNIT_QR_ALREADY_USED"
    QR_BAD_SECRET = "UNIT_QR_BAD_SECRET"
