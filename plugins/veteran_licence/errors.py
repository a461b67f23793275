"""Error codes of the veterans' licence exchange (M07)."""

from __future__ import annotations

from core.errors import ErrorCode


class VeteranLicenceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals besides the core ones (core.errors.Code); each is
    in README.md."""

    ALREADY_LICENSED = "VETERAN_ALREADY_LICENSED"  # already holds a civil licence
    UNDER_MIN_AGE = "VETERAN_UNDER_MIN_AGE"  # not of civil minimum age on the exchange day
    PREFIX_NOT_LISTED = "VETERAN_PREFIX_NOT_LISTED"  # not a new-format military licence (七-三-2)
    EXCHANGED_TOO_LATE = "VETERAN_EXCHANGED_AFTER_2021_05_31"
    NOT_VERIFIED = "VETERAN_NOT_VERIFIED"  # the registry did not confirm the record
    NO_CIVIL_LICENCE = "VETERAN_NO_CIVIL_LICENCE"
    ALREADY_REMARKED = "VETERAN_ALREADY_REMARKED"
    NOT_SUSPICIOUS = "VETERAN_NOT_IN_SUSPICIOUS_QUEUE"
