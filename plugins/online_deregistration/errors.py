"""Error codes of M15 online deregistration (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class DeregistrationErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_DEREGISTRABLE = "DEREG_NOT_DEREGISTRABLE"
    PENDING_APPLICATION = "DEREG_PENDING_APPLICATION"
    ALREADY_DEREGISTERED = "DEREG_ALREADY_DEREGISTERED"
    REPORT_DONE = "DEREG_REPORT_ALREADY_PROCESSED"
    SCRAP_DATE = "DEREG_SCRAP_DATE"
    NOTE_REQUIRED = "DEREG_NOTE_REQUIRED"
    OPEN_BUSINESS = "DEREG_OPEN_BUSINESS"
