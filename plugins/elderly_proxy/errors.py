"""Error codes of M06 proxy for the elderly (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class ElderProxyErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    UNDER_60 = "ELDER_PROXY_UNDER_60"  # the person is not yet 60 on the application date
    BUSINESS_NOT_ALLOWED = "ELDER_PROXY_BUSINESS_NOT_ALLOWED"  # not one of the 8 (六-一-2)
    DOCUMENT_NOT_ACCEPTED = "ELDER_PROXY_DOCUMENT_NOT_ACCEPTED"  # passport etc. (六-一-1)
    SELF = "ELDER_PROXY_SELF"  # the relative names themself
    ONE_BUSINESS = "ELDER_PROXY_ONE_BUSINESS"  # a vehicle AND a licence, or the wrong kind
    NOT_APPROVED = "ELDER_PROXY_NOT_APPROVED"  # not reviewed and approved (yet)
    BUSINESS_MISMATCH = "ELDER_PROXY_BUSINESS_MISMATCH"  # handling another business than approved
    ALREADY_USED = "ELDER_PROXY_ALREADY_USED"  # one proxy = one single business
    CANCELLED = "ELDER_PROXY_CANCELLED"
    FILE_CHANGED = "ELDER_PROXY_FILE_CHANGED"  # the vehicle / licence changed since the review
    NO_OFFICE = "ELDER_PROXY_NO_OFFICE"  # a queue operation without an office
    QUEUE_EMPTY = "ELDER_PROXY_QUEUE_EMPTY"
