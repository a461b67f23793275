"""Pure rules of M10: who may file, what identity proof is needed, what a filing does."""

from __future__ import annotations

import datetime as dt
import enum

from core.accounts import PartnerKind
from core.errors import RuleError
from core.registries.vehicles import VehicleStatus

from .errors import MortgageErrorCode

MEASURE = "mortgage_check"  # the plugin's slug: its folder, its actions' prefix
EFFECTIVE = dt.date(2021, 6, 1)
ONLINE_MARK = "联网核查"


class Rule:
    """Seed clauses (2021 item 十) quoted briefly."""

    ONLINE = "M10 2021-十-一: 共享抵押、解除抵押信息，免予提交纸质资料；在机动车档案目录资料中备注“联网核查”"
    NO_RETURN = "M10 2021-十-一: 已实现联网核查的……各地在转入时不得以没有纸质资料为由退档"
    LICENCE_COPY = "M10 2021-十-二: 可提交加盖公章的营业执照复印件作为身份证明，免予提交主合同；公章可为电子印章"
    REGISTRY = "M10 2021-十-三: 将汽车金融公司、财务公司营业执照和公章影印件等信息统一录入综合应用平台，便于各地核对"
    NO_LOCAL_FILING = "M10 2021-十-三: 各地不得要求汽车金融公司、财务公司备案营业执照和公章式样"
    DOCUMENTS = "M10 2021-十-二: 营业执照复印件、书面委托、抵押合同加盖的公章可为电子印章"
    REGISTRY_UPDATE = "M10 2021-十-三: 营业执照和公章影印件等信息统一录入综合应用平台（录入的信息随营业执照变更而更新）"
    PARTY = "M10 2021-十-二 (抵押合同的当事人): 机动车所有人可以对以其车辆办理的抵押登记提出异议"
    LENDERS = "M10 2021-十-一: 商业银行、汽车金融公司、财务公司等金融机构"
    ONE_MORTGAGE = (
        "M10 (机动车登记规定, not in the seed): 已抵押的机动车先解除抵押再办理新的抵押登记"
    )
    STATUS = "M10 (机动车登记规定, not in the seed): 注销、被盗抢的机动车不办理抵押登记"


LENDER_KINDS = frozenset({PartnerKind.BANK, PartnerKind.AUTO_FINANCE, PartnerKind.FINANCE_COMPANY})
# 十-三: only auto-finance and finance companies are filed nationally (banks are not)
REGISTRY_KINDS = frozenset({PartnerKind.AUTO_FINANCE, PartnerKind.FINANCE_COMPANY})


class FilingKind(enum.StrEnum):
    MORTGAGE = "MORTGAGE"  # 抵押登记
    RELEASE = "RELEASE"  # 解除抵押登记


class SealType(enum.StrEnum):
    """The seal on the business-licence copy (十-二: 可为电子印章)."""

    PHYSICAL = "PHYSICAL"
    ELECTRONIC = "ELECTRONIC"


class CompanyKind(enum.StrEnum):
    AUTO_FINANCE = "AUTO_FINANCE"  # 汽车金融公司
    FINANCE_COMPANY = "FINANCE_COMPANY"  # 财务公司


class LenderKind(enum.StrEnum):
    """The kind of the lender that filed (十-一), as its partner kind."""

    BANK = "BANK"  # 商业银行
    AUTO_FINANCE = "AUTO_FINANCE"  # 汽车金融公司
    FINANCE_COMPANY = "FINANCE_COMPANY"  # 财务公司


def check_lender_kind(kind: str | None) -> PartnerKind:
    """Banks, auto-finance and finance companies file online (十-一)."""
    try:
        found = PartnerKind(kind or "")
    except ValueError:
        found = None
    if found not in LENDER_KINDS:
        raise RuleError(
            MortgageErrorCode.PARTNER_NOT_ALLOWED,
            "Only banks, auto-finance and finance companies file mortgages online.",
        )
    assert found is not None
    return found


def needs_registry(kind: PartnerKind) -> bool:
    return kind in REGISTRY_KINDS


def check_registry_match(filed: bool, filed_sha: str | None, given_sha: str) -> None:
    """An auto-finance / finance company is verified against the national registry (十-三)."""
    if not filed:
        raise RuleError(
            MortgageErrorCode.NOT_FILED_NATIONALLY,
            "This company is not in the national registry of auto-finance and finance companies; "
            "it is filed once nationally, never with a local office.",
            field="licenceCopySha256",
        )
    if filed_sha != given_sha:
        raise RuleError(
            MortgageErrorCode.LICENCE_COPY_MISMATCH,
            "The business-licence copy differs from the one in the national registry.",
            field="licenceCopySha256",
        )


def check_vehicle(status: str, mortgaged: bool, kind: FilingKind) -> None:
    if VehicleStatus(status) in (VehicleStatus.DEREGISTERED, VehicleStatus.STOLEN):
        raise RuleError(
            MortgageErrorCode.VEHICLE_NOT_MORTGAGEABLE,
            f"No mortgage registration for a vehicle in status {status}.",
            field="vin",
        )
    if kind is FilingKind.MORTGAGE and mortgaged:
        raise RuleError(
            MortgageErrorCode.ALREADY_MORTGAGED,
            "The vehicle is already mortgaged.",
            field="vin",
        )
    if kind is FilingKind.RELEASE and not mortgaged:
        raise RuleError(
            MortgageErrorCode.NOT_MORTGAGED,
            "The vehicle is not mortgaged.",
            field="vin",
        )


def with_online_mark(marks: list[str] | None) -> list[str]:
    """The archive marks with "联网核查" added once (十-一)."""
    current = list(marks or [])
    return current if ONLINE_MARK in current else [*current, ONLINE_MARK]


def paper_required(marks: list[str] | None, mortgaged: bool) -> bool:
    """Whether a transfer-in office may ask for paper mortgage documents: never once the archive
    is marked "联网核查" (十-一); otherwise only for a mortgage recorded on paper."""
    if ONLINE_MARK in (marks or []):
        return False
    return mortgaged


class DisputeStatus(enum.StrEnum):
    """An owner's dispute of a mortgage filing."""

    OPEN = "OPEN"
    UPHELD = "UPHELD"  # the office strikes the filing off
    DISMISSED = "DISMISSED"
    WITHDRAWN = "WITHDRAWN"  # by the owner


def check_mortgage_documents(
    contract: tuple[str | None, str | None], entrustment: tuple[str | None, str | None]
) -> None:
    """A mortgage (not a release) records its contract and the owner's written entrustment of
    the lender (十-二), each given by reference and SHA-256."""
    if not all(contract):
        raise RuleError(
            MortgageErrorCode.CONTRACT_REQUIRED,
            "A mortgage filing records the mortgage contract (reference and SHA-256).",
            field="contractRef" if not contract[0] else "contractSha256",
        )
    if not all(entrustment):
        raise RuleError(
            MortgageErrorCode.ENTRUSTMENT_REQUIRED,
            "A mortgage filing records the owner's written entrustment (reference and SHA-256).",
            field="entrustmentRef" if not entrustment[0] else "entrustmentSha256",
        )


MortgageErrorCode.cites(
    {
        MortgageErrorCode.NOT_FILED_NATIONALLY: Rule.REGISTRY,
        MortgageErrorCode.LICENCE_COPY_MISMATCH: Rule.REGISTRY,
        MortgageErrorCode.PARTNER_NOT_ALLOWED: Rule.LENDERS,
        MortgageErrorCode.ALREADY_MORTGAGED: Rule.ONE_MORTGAGE,
        MortgageErrorCode.NOT_MORTGAGED: Rule.ONLINE,
        MortgageErrorCode.NOT_MORTGAGEE: Rule.ONLINE,
        MortgageErrorCode.VEHICLE_NOT_MORTGAGEABLE: Rule.STATUS,
        MortgageErrorCode.CONTRACT_REQUIRED: Rule.DOCUMENTS,
        MortgageErrorCode.ENTRUSTMENT_REQUIRED: Rule.DOCUMENTS,
        MortgageErrorCode.COMPANY_INACTIVE: Rule.REGISTRY,
        MortgageErrorCode.DISPUTE_OPEN: Rule.PARTY,
        MortgageErrorCode.DISPUTE_CLOSED: Rule.PARTY,
        MortgageErrorCode.NOT_DISPUTABLE: Rule.PARTY,
    }
)
