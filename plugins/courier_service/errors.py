"""Error codes of M16 (courier home service)."""

from __future__ import annotations

from core.errors import ErrorCode


class CourierErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_A_PILOT_AREA = "NOT_A_PILOT_AREA"  # the area is closed or does not offer this business
    NO_AGREEMENT = "NO_AGREEMENT"  # the courier company has no agreement covering this
    COURIER_SUSPENDED = "COURIER_SUSPENDED"  # the company's home service is suspended/terminated
    INSPECTOR_REQUIRED = (
        "INSPECTOR_QUALIFICATION_REQUIRED"  # motorcycle inspection by non-inspector
    )
    FEE_ABOVE_STANDARD = "FEE_ABOVE_STANDARD"  # a charge above the national standard
    FORBIDDEN_CHARGE = "FORBIDDEN_CHARGE"  # service fee or compulsory extra item
    IDENTITY_NOT_VERIFIED = "IDENTITY_NOT_VERIFIED"  # the courier did not verify the applicant
    BAD_VISIT_DATE = "BAD_VISIT_DATE"  # outside the booking window or the agreement's validity
    INVALID_STEP = "INVALID_STEP"  # the booking is not at the step this operation needs
    VEHICLE_NOT_ELIGIBLE = "VEHICLE_NOT_ELIGIBLE"  # not the citizen's NORMAL vehicle of the city
    UNIT_PERMISSION_REQUIRED = "COURIER_UNIT_PERMISSION_REQUIRED"  # 2024 八-三 补换领牌证 grant
