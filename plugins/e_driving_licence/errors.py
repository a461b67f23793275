"""Error codes of M01 the e-driving licence (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class EDrivingLicenceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    REAL_PERSON_REQUIRED = "EDL_REAL_PERSON_REQUIRED"
    LICENCE_NOT_ISSUABLE = "EDL_LICENCE_NOT_ISSUABLE"
    ALREADY_ISSUED = "EDL_ALREADY_ISSUED"
    PENDING_APPLICATION = "EDL_PENDING_APPLICATION"
    NOT_ISSUED = "EDL_NOT_ISSUED"
    SEIZURE_NEEDS_PAPER = "EDL_SEIZURE_NEEDS_PAPER"
    LOCAL_VERSION_REFUSED = "EDL_LOCAL_VERSION_REFUSED"
    CLAIM_NOT_ALLOWED = "EDL_CLAIM_NOT_ALLOWED"
    SHARE_CODE_INVALID = "EDL_SHARE_CODE_INVALID"
    PARTNER_SUSPENDED = "EDL_PARTNER_SUSPENDED"
    NOTE_REQUIRED = "EDL_NOTE_REQUIRED"
