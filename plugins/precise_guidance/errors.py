"""Error codes of M19 (precise online guidance). Core codes (FORBIDDEN, NOT_FOUND...) also apply."""

from __future__ import annotations

from core.errors import ErrorCode


class PreciseGuidanceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    INVALID_LOCATION = "GUIDANCE_INVALID_LOCATION"  # latitude / longitude out of range
    ALREADY_DECIDED = "GUIDANCE_CORRECTION_ALREADY_DECIDED"
    NO_CHANGE = "GUIDANCE_CORRECTION_NO_CHANGE"  # the proposal equals the published value
    NO_CITY = "GUIDANCE_NO_CITY"  # the citizen has no domicile city on record
