"""Pure rules of M09 (2021 item 九): the entrustable businesses, validity, matching, status.

No database and no GraphQL here, so every rule is unit-tested directly.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from core.documents.signing import text_claims
from core.errors import Code, RuleError
from core.validation import name_key

from .errors import EntrustmentErrorCode

MEASURE = "online_entrustment"  # the plugin's slug: its folder, its actions' prefix

RULE_SCOPE = "M09 2021-九-一: 网上委托适用于下表所列交管业务"
RULE_VALIDITY = "M09 2021-九-二: 单次委托有效期不超过30日"
RULE_REENTRUST_AGENT = "M09 2021-九-二: 被委托人与实际业务办理人不一致的，应当重新委托"
RULE_REENTRUST_BUSINESS = "M09 2021-九-二: 委托业务与实际申请办理业务不一致的，应当重新委托"
RULE_IN_PERSON = "M09 2021-九-二: 申请人本人到现场办理的，可以免于审核委托信息"
RULE_CHECK = "M09 2021-九-二: 车辆管理所应当通过综合应用平台核查电子委托信息"
RULE_PAPER = "M09 2021-九-三: 申请人也可以选择纸质委托书等形式委托他人办理"
RULE_NO_PAPER = "M09 2021-九-三: 对已申请网上委托的，车辆管理所不再要求申请人出具纸质委托书"
RULE_UNIT = (
    "M20 2024-八-三: 单位用户版面向机关、企事业单位提供…在线办理业务; M09 2021-九-一: 网上委托"
)
RULE_SINGLE = "M09 2021-九-二: 单次委托"

MAX_VALID_DAYS = 30
QR_PREFIX = "EN1:"
# id, business, handling city, last valid day, first day (ISO dates): README "QR"
QR_CLAIMS = text_claims("EN1", 5)


class Subject(enum.StrEnum):
    VEHICLE = "VEHICLE"  # 机动车业务
    LICENCE = "LICENCE"  # 驾驶证业务


@dataclass(frozen=True)
class Business:
    """One row of the seed's table (九-一)."""

    code: str
    label_zh: str
    subject: Subject
    new_vehicle: bool = False  # the vehicle is not registered yet: identified by VIN and city
    target_city: bool = False  # handled in another city than the file's (驾驶证转入换证)


_V, _L = Subject.VEHICLE, Subject.LICENCE
BUSINESSES: dict[str, Business] = {
    b.code: b
    for b in [
        Business("REGISTRATION", "注册登记", _V, new_vehicle=True),
        Business("CHANGE_REGISTRATION", "变更登记（不含变更共同所有人）", _V),
        Business("TRANSFER_WITHIN_JURISDICTION", "转移登记（辖区内）", _V),
        Business("REPLACE_REGISTRATION_CERTIFICATE", "换领机动车登记证书", _V),
        Business("REPLACE_PLATES", "补换领机动车号牌", _V),
        Business("REPLACE_VEHICLE_LICENCE", "补换领机动车行驶证", _V),
        Business("REPLACE_INSPECTION_MARK", "补领机动车检验合格标志", _V),
        Business("EXEMPT_INSPECTION_MARK", "免检车申领检验标志", _V),
        Business("MORTGAGE", "抵押登记", _V),
        Business("MORTGAGE_RELEASE", "解除抵押登记", _V),
        Business("PLEDGE", "质押备案", _V),
        Business("PLEDGE_RELEASE", "解除质押备案", _V),
        Business("TEMPORARY_PLATE_NEW_CAR", "申领新车临时行驶车号牌", _V, new_vehicle=True),
        Business("DEREGISTRATION_LEAVING_COUNTRY", "注销登记（不在境内使用）", _V),
        Business("DEREGISTRATION_QUALITY_RETURN", "注销登记（因质量问题退车）", _V),
        Business("FILING_DISABILITY_DEVICE", "变更备案（加/拆装残疾人辅助操纵装置）", _V),
        Business("REPLACE_LICENCE", "补换领驾驶证", _L),
        Business("LICENCE_TRANSFER_IN", "驾驶证转入换证", _L, target_city=True),
        Business("LICENCE_CANCELLATION", "驾驶证注销", _L),
        Business("HEALTH_CERTIFICATE", "提交身体条件证明", _L),
        Business("LICENCE_DEFERRAL", "驾驶证延期", _L),
    ]
}

# Businesses the table leaves out on purpose, with the words of the table that exclude them.
EXCLUDED: dict[str, str] = {
    "CHANGE_CO_OWNER": "变更登记（不含变更共同所有人）",
    "TRANSFER_OUT_OF_JURISDICTION": "转移登记（辖区内）",
    "DEREGISTRATION_SCRAP": "注销登记（不在境内使用、因质量问题退车）",
    "DEREGISTRATION_OTHER": "注销登记（不在境内使用、因质量问题退车）",
}

_CODE = re.compile(r"[A-Z_]{2,40}")


def business(code: str, field: str = "business") -> Business:
    """The table row for `code`, or a typed refusal (excluded or unknown business)."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise RuleError(Code.INVALID_INPUT, "Unknown business code.", field=field)
    found = BUSINESSES.get(code)
    if found is not None:
        return found
    if code in EXCLUDED:
        raise RuleError(
            EntrustmentErrorCode.NOT_ENTRUSTABLE,
            f"{code} cannot be entrusted online: the table allows only {EXCLUDED[code]}.",
            field=field,
        )
    raise RuleError(
        EntrustmentErrorCode.NOT_ENTRUSTABLE,
        f"{code} is not a business of the online entrustment table.",
        field=field,
    )


def validity_end(today: dt.date, valid_days: int, field: str = "validDays") -> dt.date:
    """Last day of an entrustment of `valid_days` days made on `today`.

    The period is counted as the Civil Code counts periods in days (民法典第二百零一条: the first
    day is not counted): 30 days from 1 July end at the end of 31 July.
    """
    if not isinstance(valid_days, int) or valid_days < 1:
        raise RuleError(
            Code.INVALID_INPUT, "`validDays` must be at least 1.", field=field, rule=RULE_VALIDITY
        )
    if valid_days > MAX_VALID_DAYS:
        raise RuleError(
            EntrustmentErrorCode.VALIDITY_TOO_LONG,
            f"An entrustment is valid at most {MAX_VALID_DAYS} days (asked {valid_days}).",
            field=field,
        )
    return today + dt.timedelta(days=valid_days)


class GrantKind(enum.StrEnum):
    ONLINE = "ONLINE"  # 网上委托: made in the app, signed QR
    PAPER = "PAPER"  # 纸质委托书: presented at the window and recorded (九-三)


class ScanReason(enum.StrEnum):
    """Why a scanned entrustment QR is (not) valid: the signature first, then the live record."""

    OK = "OK"
    MALFORMED = "MALFORMED"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    RETIRED_KEY = "RETIRED_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    UNKNOWN_ENTRUSTMENT = "UNKNOWN_ENTRUSTMENT"
    CLAIMS_DIFFER = "CLAIMS_DIFFER"


class GrantStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    USED = "USED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


def status_of(
    used_at: dt.datetime | None,
    revoked_at: dt.datetime | None,
    valid_until: dt.date,
    today: dt.date,
) -> GrantStatus:
    """Live status on `today`: used and revoked are final; otherwise expired after `valid_until`."""
    if used_at is not None:
        return GrantStatus.USED
    if revoked_at is not None:
        return GrantStatus.REVOKED
    if today > valid_until:
        return GrantStatus.EXPIRED
    return GrantStatus.ACTIVE


def require_usable(
    status: GrantStatus, valid_until: dt.date, today: dt.date, field: str = "entrustmentId"
) -> None:
    """Refuse an entrustment that is used, revoked or expired on `today`; the refusal names
    `field`, the argument the client sent the entrustment's id in."""
    if status is GrantStatus.USED:
        raise RuleError(
            EntrustmentErrorCode.ALREADY_USED,
            "This entrustment has already been used; the owner must entrust again.",
            field=field,
        )
    if status is GrantStatus.REVOKED:
        raise RuleError(
            EntrustmentErrorCode.REVOKED,
            "The owner revoked this entrustment.",
            field=field,
        )
    if status is GrantStatus.EXPIRED:
        raise RuleError(
            EntrustmentErrorCode.EXPIRED,
            f"This entrustment was valid until {valid_until.isoformat()}.",
            field=field,
            date=today,
        )


def normalise_name(name: str) -> str:
    """Names compare by `core.validation.name_key`: without blanks, case-folded, look-alike
    dots as `·` (`张 伟` is `张伟`, `John Smith` is `JOHN SMITH`)."""
    return name_key(name)


def require_same_agent(granted: tuple[str, str, str], present: tuple[str, str, str]) -> None:
    """The person at the window must be the named agent: same document type, number and name."""
    g_type, g_number, g_name = granted
    p_type, p_number, p_name = present
    if g_type != p_type or g_number != p_number:
        raise RuleError(
            EntrustmentErrorCode.AGENT_MISMATCH,
            "The person handling the business is not the entrusted agent; the owner must "
            "entrust again.",
            field="agentIdNumber",
        )
    if normalise_name(g_name) != normalise_name(p_name):
        raise RuleError(
            EntrustmentErrorCode.AGENT_MISMATCH,
            "The agent's name differs from the entrustment; the owner must entrust again.",
            field="agentName",
        )


def require_same_business(granted: str, actual: str) -> None:
    """The business being handled must be the entrusted one."""
    if granted != actual:
        raise RuleError(
            EntrustmentErrorCode.BUSINESS_MISMATCH,
            f"The entrustment is for {granted}, not {actual}; the owner must entrust again.",
            field="business",
        )


EntrustmentErrorCode.cites(
    {
        EntrustmentErrorCode.NOT_ENTRUSTABLE: RULE_SCOPE,
        EntrustmentErrorCode.VALIDITY_TOO_LONG: RULE_VALIDITY,
        EntrustmentErrorCode.SELF_ENTRUSTMENT: RULE_IN_PERSON,
        EntrustmentErrorCode.AGENT_MISMATCH: RULE_REENTRUST_AGENT,
        EntrustmentErrorCode.BUSINESS_MISMATCH: RULE_REENTRUST_BUSINESS,
        EntrustmentErrorCode.EXPIRED: RULE_VALIDITY,
        EntrustmentErrorCode.REVOKED: RULE_SINGLE,
        EntrustmentErrorCode.ALREADY_USED: RULE_SINGLE,
        EntrustmentErrorCode.OWNER_MISMATCH: RULE_PAPER,
        EntrustmentErrorCode.OWNER_CHANGED: RULE_SCOPE,
        EntrustmentErrorCode.VEHICLE_NOT_ACTIVE: RULE_SCOPE,
    }
)
