"""Error codes of the residential parking measure (M05)."""

from __future__ import annotations

from core.errors import ErrorCode


class ResidentialParkingErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause), besides
    the core's codes."""

    EMERGENCY_ROUTE = "RESIDENTIAL_PARKING_EMERGENCY_ROUTE"
    INVALID_WINDOW = "RESIDENTIAL_PARKING_INVALID_WINDOW"
    NOT_A_NIGHT_WINDOW = "RESIDENTIAL_PARKING_NOT_A_NIGHT_WINDOW"
    BAY_TIME_NOT_MARKED = "RESIDENTIAL_PARKING_BAY_TIME_NOT_MARKED"
    BAY_COUNT = "RESIDENTIAL_PARKING_BAY_COUNT"
    WITHDRAWN = "RESIDENTIAL_PARKING_WITHDRAWN"
    WITHDRAW_REASON = "RESIDENTIAL_PARKING_WITHDRAW_REASON"
    SIGNS_DATE = "RESIDENTIAL_PARKING_SIGNS_DATE"
