"""Error codes of M12 (accident evidence online). Core codes (FORBIDDEN, NOT_FOUND...) also apply."""

from __future__ import annotations

from core.errors import ErrorCode


class AccidentEvidenceErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    NOT_GENERAL_PROCEDURE = "EVIDENCE_NOT_GENERAL_PROCEDURE"  # only 一般程序 accidents
    NOT_YET_DELIVERED = "EVIDENCE_NOT_YET_DELIVERED"  # 认定书 / 事故证明 not yet delivered
    CONFIDENTIAL = "EVIDENCE_CONFIDENTIAL"  # 国家秘密 / 商业秘密 / 个人隐私 / 证人要求保密
    NOT_A_PARTY = "EVIDENCE_NOT_A_PARTY"  # requester does not stand in the required relation
    ACCESS_DENIED = "EVIDENCE_ACCESS_DENIED"  # wrong accident number, code or identity
    NOTHING_SELECTED = "EVIDENCE_NOTHING_SELECTED"
    NOTHING_PENDING = "EVIDENCE_NOTHING_PENDING"
    ALREADY_OFFERED = "EVIDENCE_ALREADY_OFFERED"
    INVALID_PHONE = "EVIDENCE_INVALID_PHONE"
    PARTY_UNREACHABLE = "EVIDENCE_PARTY_UNREACHABLE"  # no account nor phone to tell (十二-二)
    COMPLETENESS_NOT_CHECKED = "EVIDENCE_COMPLETENESS_NOT_CHECKED"  # 十二-四 核对完整性
