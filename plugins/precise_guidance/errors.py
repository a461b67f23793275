"""Error codes of M19 (precise online guidance). Core codes (FORBIDDEN, NOT_FOUND...) also apply."""

from __future__ import annotations

from core.errors import ErrorCode


class PreciseGuidanceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    INVALID_LOCATION = "GUIDANCE_INVALID_LOCATION"  # latitude / longitude out of range
    ALREADY_DECIDED = "GUIDANCE_CORRECTION_ALREADY_DECIDED"
    NO_CHANGE = "GUIDANCE_CORRECTION_NO_CHANGE"  # the proposal equals the published value
    NO_CITY = "GUIDANCE_NO_CITY"  # the citizen has no domicile city on record
    NO_OUTLETS = "GUIDANCE_NO_OUTLETS"  # nothing to declare updated or to spot-check
    ALREADY_DECLARED = "GUIDANCE_UPDATE_ALREADY_DECLARED"  # one declaration per city and round
    SPOT_CHECK_CLOSED = "GUIDANCE_SPOT_CHECK_CLOSED"  # the check is completed or cancelled
    SPOT_ITEM_ALREADY_CHECKED = "GUIDANCE_SPOT_ITEM_ALREADY_CHECKED"
