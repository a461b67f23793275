"""Error codes of M09 online entrustment (besides the core's codes)."""

from __future__ import annotations

from core.errors import ErrorCode


class EntrustmentErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_ENTRUSTABLE = "ENTRUSTMENT_BUSINESS_NOT_ENTRUSTABLE"  # not in the 九-一 table
    VALIDITY_TOO_LONG = "ENTRUSTMENT_VALIDITY_TOO_LONG"  # more than 30 days (九-二)
    SELF_ENTRUSTMENT = "ENTRUSTMENT_SELF"  # the owner names themself: no entrustment needed
    WRONG_SUBJECT = "ENTRUSTMENT_WRONG_SUBJECT"  # a vehicle business on a licence, or the reverse
    AGENT_MISMATCH = "ENTRUSTMENT_AGENT_MISMATCH"  # 被委托人与实际业务办理人不一致: re-entrust
    BUSINESS_MISMATCH = "ENTRUSTMENT_BUSINESS_MISMATCH"  # 委托业务与实际申请办理业务不一致
    EXPIRED = "ENTRUSTMENT_EXPIRED"
    REVOKED = "ENTRUSTMENT_REVOKED"
    ALREADY_USED = "ENTRUSTMENT_ALREADY_USED"
    OWNER_MISMATCH = "ENTRUSTMENT_OWNER_MISMATCH"  # paper: the principal is not the file's owner
    OWNER_CHANGED = "ENTRUSTMENT_OWNER_CHANGED"  # the file changed hands since the entrustment
    VEHICLE_NOT_ACTIVE = "ENTRUSTMENT_VEHICLE_NOT_ACTIVE"
    UNIT_MANAGER_REQUIRED = (
        "ENTRUSTMENT_UNIT_MANAGER_REQUIRED"  # a unit entrusts through its LP/admin
    )
