"""Pure rules of M14: who the applicant is, and which documents the office may check.

No database, no GraphQL: every function takes plain values and returns a decision or raises a
`RuleError` naming the field and the seed clause (2024 item 二).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from core.errors import Code, RuleError
from core.registries.vehicles import MOTORCYCLES, VehicleCategory

from .errors import MotorcycleErrorCode

MEASURE = "motorcycle_one_id"  # the plugin's slug: its folder, its actions' prefix

R_SCOPE_BUSINESS = (
    "M14 2024-二-一-1: 适用于摩托车注册登记、转让登记、住所迁入以及共同所有人变更登记"
)
R_SCOPE_TYPE = "M14 2024-二-一-2: 适用车辆类型为普通三轮、二轮以及轻便摩托车"
R_LOCAL = "M14 2024-二-一-3: 地方对摩托车实行单独管理政策的，按当地规定执行"
R_MAINLAND = (
    "M14 2024-二-二-1: 内地居民跨地市申请的，只审核居民身份证，不再审核居住证明或者居住登记证明"
)
R_HMT = "M14 2024-二-二-2: 提交港澳台居民居住证的，只审核港澳台居民居住证"
R_OLD = "M14 2024-二-二-2: 未取得居住证的港澳台居民以及华侨、外国人，仍按照原规定审核相关证明凭证"
R_ARCHIVE = "M14 2024-二-二-3: 不再收存居住证明或者居住登记证明实物资料"
R_UNIT = (
    "M14 2024-二-一-1 with M20 2024-八-三: 机动车所有人办理摩托车注册登记、转让登记、住所迁入；"
    "“交管12123”APP单位用户版面向机关、企事业单位在线办理业务"
)
R_UNIT_DOCUMENT = (
    "M14 2024-二-二-1 (一证): 单位只审核统一社会信用代码证明（营业执照等），不审核居住证明"
)
R_LIAISON = "M14 2024-二-三: 对电子化档案转递不及时、资料不完整、与实车不一致等问题，及时沟通、及时响应、及时反馈、及时解决"


class Business(enum.StrEnum):
    """The four businesses of 二-一-1."""

    REGISTRATION = "REGISTRATION"  # 注册登记
    TRANSFER = "TRANSFER"  # 转让登记
    MOVE_IN = "MOVE_IN"  # 住所迁入
    CO_OWNER_CHANGE = "CO_OWNER_CHANGE"  # 共同所有人变更登记


class ApplicantCategory(enum.StrEnum):
    """Who applies, as 二-二-1 and 二-二-2 distinguish them."""

    MAINLAND_RESIDENT = "MAINLAND_RESIDENT"  # 内地居民 (居民身份证)
    HMT_WITH_PERMIT = "HMT_WITH_PERMIT"  # 港澳台居民, 持居住证
    HMT_WITHOUT_PERMIT = "HMT_WITHOUT_PERMIT"  # 港澳台居民, 未取得居住证
    OVERSEAS_CHINESE = "OVERSEAS_CHINESE"  # 华侨
    FOREIGNER = "FOREIGNER"  # 外国人
    UNIT = "UNIT"  # 单位 (统一社会信用代码), applying through its legal person or an admin


class ArchiveKind(enum.StrEnum):
    """The kinds of file kept in a completed application's electronic archive (二-二-3)."""

    IDENTITY = "IDENTITY"  # the scanned identity document (required)
    RESIDENCE_PROOF = "RESIDENCE_PROOF"  # only where the rule requires one
    ACCOMMODATION_REGISTRATION = "ACCOMMODATION_REGISTRATION"  # only where the rule requires one
    ORIGIN_PROOF = "ORIGIN_PROOF"  # 来历证明
    CONFORMITY_CERT = "CONFORMITY_CERT"  # 合格证
    REGISTRATION_CERT = "REGISTRATION_CERT"  # 登记证书
    PHOTO = "PHOTO"
    LOCAL_POLICY_DOCUMENT = "LOCAL_POLICY_DOCUMENT"  # a document a local policy adds (二-一-3)
    OTHER = "OTHER"


# document code -> Chinese name
DOCUMENTS: dict[str, str] = {
    "RESIDENT_ID": "居民身份证",
    "HMT_RESIDENCE_PERMIT": "港澳台居民居住证",
    "HMT_TRAVEL_PERMIT": "港澳居民来往内地通行证或台湾居民来往大陆通行证",
    "PRC_PASSPORT": "中华人民共和国护照",
    "FOREIGN_PASSPORT": "外国护照",
    "FOREIGNER_RESIDENCE_PERMIT": "外国人居留证件",
    "ACCOMMODATION_REGISTRATION": "公安机关出具的住宿登记证明",
    "RESIDENCE_PROOF": "居住证明或者居住登记证明",
    "UNIT_CREDIT_CODE_CERT": "统一社会信用代码证明（营业执照等）",
}
RESIDENCE_PROOFS = frozenset({"RESIDENCE_PROOF", "ACCOMMODATION_REGISTRATION"})
_PASSPORT_CATEGORIES = frozenset(
    {
        ApplicantCategory.HMT_WITHOUT_PERMIT,
        ApplicantCategory.OVERSEAS_CHINESE,
        ApplicantCategory.FOREIGNER,
    }
)


@dataclass(frozen=True)
class RequiredDocument:
    code: str
    name: str
    reason: str
    rule: str


@dataclass(frozen=True)
class LocalPolicy:
    """A province's or city's own motorcycle policy (二-一-3), from the `local_policy` setting."""

    name: str
    extra_documents: tuple[str, ...]
    replaces_one_id: bool


@dataclass(frozen=True)
class DocumentDecision:
    applicant: ApplicantCategory
    cross_city: bool
    documents: tuple[RequiredDocument, ...]
    local_policy: LocalPolicy | None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.documents)

    @property
    def residence_proof_required(self) -> bool:
        return bool(self.codes & RESIDENCE_PROOFS)


def require_motorcycle(category: VehicleCategory | str, field: str = "vehicleCategory") -> None:
    """Refuse unless the vehicle is an ordinary 2/3-wheel or light motorcycle (二-一-2)."""
    if category not in {c.value for c in MOTORCYCLES}:
        raise RuleError(
            MotorcycleErrorCode.NOT_A_MOTORCYCLE,
            "Only ordinary two- and three-wheel and light motorcycles are handled with one ID.",
            field=field,
        )


def classify(id_type: str, declared: ApplicantCategory | None) -> ApplicantCategory:
    """The applicant's category from their identity document and, for passports, their declaration."""
    if declared is ApplicantCategory.UNIT:  # a person is never a unit; `unitId` makes one
        raise RuleError(
            MotorcycleErrorCode.CATEGORY_MISMATCH,
            "A unit applies with `unitId`, not by declaring itself a unit.",
            field="applicantCategory",
            rule=R_UNIT,
        )
    if id_type == "MAINLAND_ID":
        found = ApplicantCategory.MAINLAND_RESIDENT
    elif id_type == "HMT_RESIDENCE_PERMIT":
        found = ApplicantCategory.HMT_WITH_PERMIT
    else:
        if declared is None:
            raise RuleError(
                MotorcycleErrorCode.CATEGORY_REQUIRED,
                "Passport holders declare whether they are HMT residents without a permit, "
                "overseas Chinese or foreigners.",
                field="applicantCategory",
            )
        if declared not in _PASSPORT_CATEGORIES:
            raise RuleError(
                MotorcycleErrorCode.CATEGORY_MISMATCH,
                "The declared category does not match a passport.",
                field="applicantCategory",
                rule=R_OLD,
            )
        return declared
    if declared is not None and declared is not found:
        raise RuleError(
            MotorcycleErrorCode.CATEGORY_MISMATCH,
            f"Your identity document makes you {found.value}.",
            field="applicantCategory",
            rule=R_MAINLAND if found is ApplicantCategory.MAINLAND_RESIDENT else R_HMT,
        )
    return found


def parse_local_policy(raw: Any) -> LocalPolicy | None:
    """Read the `local_policy` setting: None, or {"name", "extraDocuments": [...], "replacesOneId"}."""
    if raw is None or raw == {}:
        return None
    bad = RuleError(
        MotorcycleErrorCode.LOCAL_POLICY_INVALID,
        "The local motorcycle policy of this city is misconfigured; ask the province admin.",
        field="city",
    )
    if not isinstance(raw, dict):
        raise bad
    name = raw.get("name", "地方摩托车管理规定")
    extra = raw.get("extraDocuments", [])
    replaces = raw.get("replacesOneId", False)
    if (
        not isinstance(name, str)
        or not 0 < len(name) <= 100
        or not isinstance(extra, list)
        or len(extra) > 10
        or not all(isinstance(x, str) and 0 < len(x) <= 60 for x in extra)
        or not isinstance(replaces, bool)
    ):
        raise bad
    return LocalPolicy(name, tuple(extra), replaces)


def _identity_documents(applicant: ApplicantCategory) -> list[str]:
    return {
        ApplicantCategory.MAINLAND_RESIDENT: ["RESIDENT_ID"],
        ApplicantCategory.HMT_WITH_PERMIT: ["HMT_RESIDENCE_PERMIT"],
        ApplicantCategory.HMT_WITHOUT_PERMIT: ["HMT_TRAVEL_PERMIT"],
        ApplicantCategory.OVERSEAS_CHINESE: ["PRC_PASSPORT"],
        ApplicantCategory.FOREIGNER: ["FOREIGN_PASSPORT", "FOREIGNER_RESIDENCE_PERMIT"],
    }[applicant]


def required_documents(
    business: Business,
    vehicle_category: VehicleCategory | str,
    applicant: ApplicantCategory,
    home_city: str | None,
    handling_city: str,
    local_policy: LocalPolicy | None,
) -> DocumentDecision:
    """The identity and residence documents the office checks, each with its reason and clause."""
    require_motorcycle(vehicle_category)
    cross_city = home_city != handling_city
    docs: list[RequiredDocument] = []

    def add(code: str, reason: str, rule: str) -> None:
        docs.append(RequiredDocument(code, DOCUMENTS.get(code, code), reason, rule))

    one_id = local_policy is None or not local_policy.replaces_one_id
    if applicant is ApplicantCategory.UNIT:
        # one document, the unit's own identity; a unit has no residence proof to show
        add("UNIT_CREDIT_CODE_CERT", "单位申请，只审核统一社会信用代码证明", R_UNIT_DOCUMENT)
    elif applicant is ApplicantCategory.MAINLAND_RESIDENT:
        reason = "跨地市申请，只审核居民身份证" if cross_city else "在户籍地申请，审核居民身份证"
        add("RESIDENT_ID", reason, R_MAINLAND)
        if cross_city and not one_id:
            add("RESIDENCE_PROOF", f"当地规定（{local_policy.name}）要求居住证明", R_LOCAL)  # type: ignore[union-attr]
    elif applicant is ApplicantCategory.HMT_WITH_PERMIT:
        add("HMT_RESIDENCE_PERMIT", "提交港澳台居民居住证的，只审核居住证", R_HMT)
        if not one_id:
            add(
                "ACCOMMODATION_REGISTRATION",
                f"当地规定（{local_policy.name}）要求住宿登记证明",
                R_LOCAL,
            )  # type: ignore[union-attr]
    else:
        for code in _identity_documents(applicant):
            add(code, "按照原规定审核身份证明", R_OLD)
        add("ACCOMMODATION_REGISTRATION", "按照原规定审核住所证明", R_OLD)
    if local_policy is not None:
        for extra in local_policy.extra_documents:
            add(extra, f"当地规定（{local_policy.name}）", R_LOCAL)
    return DocumentDecision(applicant, cross_city, tuple(docs), local_policy)


def check_document_codes(decision_codes: frozenset[str], seen: list[str]) -> None:
    """`documentsChecked` is a closed set: the document codes of this measure (`DOCUMENTS`) and
    the documents decided for this application (which include the local policy's extra documents
    by their declared names, 二-一-3). Anything else (a Chinese name typed for a code, a made-up
    code) is INVALID_INPUT naming the unknown value, so a clerk cannot record a check that means
    nothing."""
    allowed = frozenset(DOCUMENTS) | decision_codes
    for code in seen:
        if code not in allowed:
            raise RuleError(
                Code.INVALID_INPUT,
                f"Unknown document {code!r}: use one of {', '.join(sorted(allowed))}.",
                field="documentsChecked",
                rule=R_MAINLAND,
                details={"unknown": code, "allowed": sorted(allowed)},
            )
    if len(set(seen)) != len(seen):
        raise RuleError(Code.INVALID_INPUT, "A document is listed twice.", field="documentsChecked")


def check_reviewed_documents(decision_codes: frozenset[str], seen: list[str]) -> None:
    """An approval states which documents the clerk checked: all required ones, and no residence
    proof the rule does not require (二-二-1: 不再审核居住证明)."""
    for code in seen:
        if code in RESIDENCE_PROOFS and code not in decision_codes:
            raise RuleError(
                MotorcycleErrorCode.PROOF_NOT_REQUIRED,
                f"{DOCUMENTS[code]} must not be required for this applicant.",
                field="documentsChecked",
                rule=R_MAINLAND,
            )
    missing = sorted(decision_codes - set(seen))
    if missing:
        raise RuleError(
            MotorcycleErrorCode.MISSING_DOCUMENT,
            f"Required document not checked: {DOCUMENTS.get(missing[0], missing[0])}.",
            field="documentsChecked",
            details={"missing": missing},
        )


def check_archive_kinds(decision_codes: frozenset[str], kinds: list[str]) -> None:
    """The electronic archive keeps the identity scan and no residence proof that was not required
    (二-二-3)."""
    for kind in kinds:
        if kind in RESIDENCE_PROOFS and kind not in decision_codes:
            raise RuleError(
                MotorcycleErrorCode.PROOF_NOT_REQUIRED,
                "Residence proofs are no longer kept in the archive.",
                field="archiveFiles",
                rule=R_ARCHIVE,
            )
    if "IDENTITY" not in kinds:
        raise RuleError(
            MotorcycleErrorCode.ARCHIVE_INCOMPLETE,
            "The archive needs the scanned identity document (kind IDENTITY).",
            field="archiveFiles",
        )


def check_business_city(business: Business, vehicle_city: str | None, handling_city: str) -> None:
    """Where each business is handled: move-in in a new city, co-owner change where registered."""
    if business is Business.MOVE_IN and vehicle_city == handling_city:
        raise RuleError(
            MotorcycleErrorCode.VEHICLE_NOT_ELIGIBLE,
            "A move-in is handled in the new city of residence, not the registration city.",
            field="city",
        )
    if business is Business.CO_OWNER_CHANGE and vehicle_city != handling_city:
        raise RuleError(
            MotorcycleErrorCode.VEHICLE_NOT_ELIGIBLE,
            "A co-owner change is handled in the vehicle's registration city.",
            field="city",
        )


def check_unit_business(business: Business, unit_city: str, handling_city: str) -> None:
    """A unit registers, buys or moves in a motorcycle (二-一-1 with 八-三) where it is seated
    (its city of registration, the unit's 住所地); it has no co-owner to change."""
    if business is Business.CO_OWNER_CHANGE:
        raise RuleError(
            MotorcycleErrorCode.UNIT_BUSINESS_NOT_APPLICABLE,
            "A unit owns a motorcycle alone: a co-owner change is a business of persons.",
            field="business",
        )
    if unit_city != handling_city:
        raise RuleError(
            MotorcycleErrorCode.UNIT_CITY_MISMATCH,
            f"A unit's motorcycle business is handled in the unit's city ({unit_city}).",
            field="city",
        )


MotorcycleErrorCode.cites(
    {
        MotorcycleErrorCode.NOT_A_MOTORCYCLE: R_SCOPE_TYPE,
        MotorcycleErrorCode.CATEGORY_REQUIRED: R_OLD,
        MotorcycleErrorCode.MISSING_DOCUMENT: R_MAINLAND,
        MotorcycleErrorCode.VEHICLE_NOT_ELIGIBLE: R_SCOPE_BUSINESS,
        MotorcycleErrorCode.LOCAL_POLICY_INVALID: R_LOCAL,
        MotorcycleErrorCode.ARCHIVE_INCOMPLETE: "M14 2024-二-二-3: 做好摩托车转籍档案资料电子扫描、转递",
        MotorcycleErrorCode.UNIT_BUSINESS_NOT_APPLICABLE: R_UNIT,
        MotorcycleErrorCode.UNIT_CITY_MISMATCH: R_UNIT,
    }
)
