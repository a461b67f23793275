"""Error codes of M14 motorcycle registration with one ID (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class MotorcycleErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_A_MOTORCYCLE = "NOT_A_MOTORCYCLE"  # vehicle type outside 二-一-2
    CATEGORY_MISMATCH = "APPLICANT_CATEGORY_MISMATCH"  # declared category vs. identity document
    CATEGORY_REQUIRED = "APPLICANT_CATEGORY_REQUIRED"  # passport holders must declare who they are
    MISSING_DOCUMENT = "MISSING_DOCUMENT"  # approval without a required document checked
    PROOF_NOT_REQUIRED = (
        "RESIDENCE_PROOF_NOT_REQUIRED"  # clerk asked for / archived a residence proof
    )
    VEHICLE_NOT_ELIGIBLE = "VEHICLE_NOT_ELIGIBLE"  # status, owner, city do not fit the business
    LOCAL_POLICY_INVALID = "LOCAL_POLICY_INVALID"  # province configuration is malformed
    ARCHIVE_INCOMPLETE = "ARCHIVE_INCOMPLETE"  # completion without the scanned identity document
    # a unit (单位) applies (2024 二 with 八-三)
    UNIT_MANAGER_REQUIRED = (
        "MOTORCYCLE_UNIT_MANAGER_REQUIRED"  # a unit applies through its legal person or an admin
    )
    UNIT_BUSINESS_NOT_APPLICABLE = (
        "MOTORCYCLE_UNIT_BUSINESS_NOT_APPLICABLE"  # a unit has no co-owner (共同所有人)
    )
    UNIT_CITY_MISMATCH = "MOTORCYCLE_UNIT_CITY_MISMATCH"  # a unit's business is where it is seated
