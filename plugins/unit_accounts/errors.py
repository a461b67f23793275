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
    PLATE_NUMBER_TAKEN = "UNIT_PLATE_NUMBER_TAKEN"  # 八-三 预选号牌: number in use or reserved
    PLATE_NUMBER_WRONG_CITY = "UNIT_PLATE_NUMBER_WRONG_CITY"  # 八-三: not the unit's province
    VIN_ALREADY_REGISTERED = "UNIT_VIN_ALREADY_REGISTERED"  # 八-三 预选号牌: for new vehicles
    RESERVATION_CLOSED = "UNIT_RESERVATION_CLOSED"  # 八-三: the reservation already ended
    EXEMPT_NOT_ELIGIBLE = "UNIT_EXEMPT_NOT_ELIGIBLE"  # 八-三 申领免检标志
    DRIVER_LICENCE_REQUIRED = "UNIT_DRIVER_LICENCE_REQUIRED"  # 八-三 备案驾驶人
    DRIVER_ALREADY_FILED = "UNIT_DRIVER_ALREADY_FILED"  # 八-三 备案驾驶人
    WEB_QR_REQUIRED = "UNIT_WEB_QR_REQUIRED"  # 八-二 网页版统一扫码登录
    WEB_SESSION_OTHER_UNIT = "UNIT_WEB_SESSION_OTHER_UNIT"  # 八-二: a web session is one unit's
    NOTE_REQUIRED = "UNIT_NOTE_REQUIRED"  # a rejection of a unit's application says why
