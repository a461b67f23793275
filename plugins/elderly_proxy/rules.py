"""Pure rules of M06 (2021 item 六): who counts as elderly, the 8 businesses, the documents.

No database and no GraphQL here, so every rule is unit-tested directly.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from core.errors import Code, RuleError
from core.identifiers import parse_sha256
from core.identity import DocumentType, age_on
from core.text import strip_blanks

from .errors import ElderProxyErrorCode

MEASURE = "elderly_proxy"  # the plugin's slug: its folder, its actions' prefix

ELDER_AGE = 60
RULE_AGE = "M06 2021-六-一: 60周岁以上老年人可使用亲友的“交管12123”APP账号，由亲友代办"
RULE_FLOW = "M06 2021-六-一-1: 系统对老年人进行实人认证，上传老年人的内地居民身份证或者港澳台居民居住证，审核后予以办理业务"
RULE_SCOPE = "M06 2021-六-一-2: 老年人业务代办范围包括……(8项)"
RULE_SINGLE = "M06 2021-六-一-2: 一次代办仅限办理单笔机动车或者驾驶证业务"
RULE_REVIEW = "M06 2021-六-一-1: 审核后予以办理业务"
RULE_QUEUE = "M06 2021-六-二: 开设老年人办理业务绿色通道或者专门窗口"

ACCEPTED_DOCUMENTS = frozenset({DocumentType.MAINLAND_ID, DocumentType.HMT_RESIDENCE_PERMIT})


class Subject(enum.StrEnum):
    VEHICLE = "VEHICLE"
    LICENCE = "LICENCE"


@dataclass(frozen=True)
class Business:
    code: str
    label_zh: str
    subject: Subject


BUSINESSES: dict[str, Business] = {
    b.code: b
    for b in [
        Business("REPLACE_PLATES", "补换领机动车号牌", Subject.VEHICLE),
        Business("REPLACE_VEHICLE_LICENCE", "补换领机动车行驶证", Subject.VEHICLE),
        Business("REPLACE_INSPECTION_MARK", "补领检验合格标志", Subject.VEHICLE),
        Business("EXEMPT_INSPECTION_MARK", "免检车申领检验标志", Subject.VEHICLE),
        Business("LICENCE_RENEWAL_EXPIRY", "机动车驾驶证期满换证", Subject.LICENCE),
        Business("LICENCE_RENEWAL_AGE", "达到规定年龄换领机动车驾驶证", Subject.LICENCE),
        Business("LICENCE_LOST_REPLACEMENT", "机动车驾驶证遗失补证", Subject.LICENCE),
        Business("LICENCE_DAMAGED_REPLACEMENT", "机动车驾驶证件损毁换证", Subject.LICENCE),
    ]
}

_CODE = re.compile(r"[A-Z_]{2,40}")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{5,63}")


def business(code: str, field: str = "business") -> Business:
    """One of the eight businesses (六-一-2), or a typed refusal."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise RuleError(Code.INVALID_INPUT, "Unknown business code.", field=field)
    found = BUSINESSES.get(code)
    if found is None:
        raise RuleError(
            ElderProxyErrorCode.BUSINESS_NOT_ALLOWED,
            f"{code} is not one of the 8 businesses a relative may handle for an elder.",
            field=field,
        )
    return found


def require_elderly(birth_date: dt.date, day: dt.date, field: str = "elderIdNumber") -> int:
    """The person's age on `day` (the application date); refused unless at least 60."""
    age = age_on(birth_date, day)
    if age < ELDER_AGE:
        raise RuleError(
            ElderProxyErrorCode.UNDER_60,
            f"The person is {age} on {day.isoformat()}; proxy handling is for people aged "
            f"{ELDER_AGE} or over.",
            field=field,
            date=day,
        )
    return age


def is_priority(birth_date: dt.date | None, day: dt.date) -> bool:
    """Green-channel priority at the window: aged 60 or over on `day` (六-二)."""
    return birth_date is not None and age_on(birth_date, day) >= ELDER_AGE


def require_accepted_document(doc_type: DocumentType, field: str = "elderIdType") -> None:
    """Only a mainland resident ID or an HK/Macau/Taiwan residence permit is uploaded (六-一-1)."""
    if doc_type not in ACCEPTED_DOCUMENTS:
        raise RuleError(
            ElderProxyErrorCode.DOCUMENT_NOT_ACCEPTED,
            "Upload the elder's mainland resident ID or HK/Macau/Taiwan residence permit.",
            field=field,
        )


def liveness_ref(value: str | None, field: str = "livenessCheckRef") -> str:
    """The real-person authentication result reference: 6-64 letters, digits, `._:-`."""
    text = strip_blanks(value or "")
    if not _REF.fullmatch(text):  # [A-Za-z0-9] is ASCII only; fullmatch: no trailing newline
        raise RuleError(
            Code.INVALID_INPUT,
            "`livenessCheckRef` is 6-64 letters, digits or . _ : -",
            field=field,
            rule=RULE_FLOW,
        )
    return text


def document_hash(value: str | None, field: str = "idDocumentSha256") -> str:
    """SHA-256 (64 lower-case hex characters) of the uploaded ID document image."""
    try:
        return parse_sha256(value, field)
    except RuleError:
        raise RuleError(
            Code.INVALID_INPUT,
            "`idDocumentSha256` is 64 hex characters.",
            field=field,
            rule=RULE_FLOW,
        ) from None


def require_one_target(biz: Business, vehicle_id: str | None, licence_id: str | None) -> None:
    """One proxy = one single vehicle or licence business: exactly the kind of file it needs."""
    if vehicle_id and licence_id:
        raise RuleError(
            ElderProxyErrorCode.ONE_BUSINESS,
            "One proxy handles a single vehicle or licence business: name one file.",
            field="licenceId",
        )
    wanted = vehicle_id if biz.subject is Subject.VEHICLE else licence_id
    if not wanted:
        field = "vehicleId" if biz.subject is Subject.VEHICLE else "licenceId"
        raise RuleError(
            ElderProxyErrorCode.ONE_BUSINESS,
            f"{biz.code} is a {biz.subject.value.lower()} business: give `{field}`.",
            field=field,
        )


ElderProxyErrorCode.cites(
    {
        ElderProxyErrorCode.UNDER_60: RULE_AGE,
        ElderProxyErrorCode.BUSINESS_NOT_ALLOWED: RULE_SCOPE,
        ElderProxyErrorCode.DOCUMENT_NOT_ACCEPTED: RULE_FLOW,
        ElderProxyErrorCode.SELF: RULE_AGE,
        ElderProxyErrorCode.ONE_BUSINESS: RULE_SINGLE,
        ElderProxyErrorCode.NOT_APPROVED: RULE_REVIEW,
        ElderProxyErrorCode.BUSINESS_MISMATCH: RULE_SINGLE,
        ElderProxyErrorCode.FILE_CHANGED: RULE_REVIEW,
    }
)
