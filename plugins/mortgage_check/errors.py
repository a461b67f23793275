"""Error codes of M10 (抵押信息在线核查)."""

from __future__ import annotations

from core.errors import ErrorCode


class MortgageErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_FILED_NATIONALLY = "NOT_FILED_NATIONALLY"
    LICENCE_COPY_MISMATCH = "LICENCE_COPY_MISMATCH"
    PARTNER_NOT_ALLOWED = "PARTNER_NOT_ALLOWED"
    ALREADY_MORTGAGED = "ALREADY_MORTGAGED"
    NOT_MORTGAGED = "NOT_MORTGAGED"
    NOT_MORTGAGEE = "NOT_MORTGAGEE"
    VEHICLE_NOT_MORTGAGEABLE = "VEHICLE_NOT_MORTGAGEABLE"
