"""Error codes of M13 the e-vehicle licence (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class EVehicleLicenceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    REAL_PERSON_REQUIRED = "EVL_REAL_PERSON_REQUIRED"
    VEHICLE_NOT_ISSUABLE = "EVL_VEHICLE_NOT_ISSUABLE"
    ALREADY_ISSUED = "EVL_ALREADY_ISSUED"
    PENDING_APPLICATION = "EVL_PENDING_APPLICATION"
    NOT_ISSUED = "EVL_NOT_ISSUED"
    NOT_A_FILED_USER = "EVL_NOT_A_FILED_USER"
    GRANT_WINDOW = "EVL_GRANT_WINDOW"
    NO_ACTIVE_GRANT = "EVL_NO_ACTIVE_GRANT"
    ON_SITE_VIOLATION = "EVL_ON_SITE_VIOLATION"
    BEFORE_FILING = "EVL_VIOLATION_BEFORE_FILING"
    ALREADY_HANDLED = "EVL_ALREADY_HANDLED"
    NOTE_REQUIRED = "EVL_NOTE_REQUIRED"
    LOCAL_VERSION_REFUSED = "EVL_LOCAL_VERSION_REFUSED"  # the unified e-licence is in force there
    CLAIM_NOT_ALLOWED = "EVL_CLAIM_NOT_ALLOWED"  # declared, not raised yet (see README)
