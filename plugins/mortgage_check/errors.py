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
    CONTRACT_REQUIRED = "MORTGAGE_CONTRACT_REQUIRED"  # 十-二: a mortgage records its contract
    ENTRUSTMENT_REQUIRED = "MORTGAGE_ENTRUSTMENT_REQUIRED"  # 十-二: and the written entrustment
    COMPANY_INACTIVE = "MORTGAGE_COMPANY_INACTIVE"  # 十-三: deactivated in the national registry
    DISPUTE_OPEN = "MORTGAGE_DISPUTE_OPEN"  # one open dispute per filing
    DISPUTE_CLOSED = "MORTGAGE_DISPUTE_CLOSED"  # the dispute was already decided or withdrawn
    NOT_DISPUTABLE = "MORTGAGE_NOT_DISPUTABLE"  # only an active mortgage is disputed
