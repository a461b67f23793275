"""Error codes of M11 (交强险信息在线核查)."""

from __future__ import annotations

from core.errors import ErrorCode


class InsuranceCheckErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    ONLINE_CHECK_NOT_APPLICABLE = "ONLINE_CHECK_NOT_APPLICABLE"
