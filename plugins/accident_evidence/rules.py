"""Pure rules of M12 (2021 item 十二): no database, no GraphQL. Each refusal names its seed clause."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re

from core.errors import Code, RuleError
from core.identifiers import parse_phone as core_parse_phone
from core.identifiers import parse_reference

from .errors import AccidentEvidenceErrorCode

MEASURE = "accident_evidence"  # the plugin's slug: its folder, its actions' prefix

R_SCOPE = "M12 2021-十二-一"  # 明确查阅证据范围
R_PROCESS = "M12 2021-十二-二"  # 规范业务流程
R_REVIEW = "M12 2021-十二-四"  # 勾选证据材料, 负责人审核


class Procedure(enum.StrEnum):
    GENERAL = "GENERAL"  # 一般程序
    SIMPLE = "SIMPLE"  # 简易程序


class RequesterType(enum.StrEnum):
    """人员类型: who may ask (十二-一: 当事人及其代理人、死亡事故当事人近亲属及其代理人)."""

    PARTY = "PARTY"  # 当事人
    AGENT = "AGENT"  # 当事人的代理人
    DECEASED_RELATIVE = "DECEASED_RELATIVE"  # 死亡事故当事人近亲属
    RELATIVE_AGENT = "RELATIVE_AGENT"  # 近亲属的代理人


class EvidenceKind(enum.StrEnum):
    """证据材料 kinds listed in 十二-一, plus witness statements and other material."""

    SCENE_DIAGRAM = "SCENE_DIAGRAM"  # 交通事故现场图
    SCENE_PHOTO = "SCENE_PHOTO"  # 现场照片
    SURVEY_RECORD = "SURVEY_RECORD"  # 勘查笔录
    INSPECTION_REPORT = "INSPECTION_REPORT"  # 检验报告
    APPRAISAL_OPINION = "APPRAISAL_OPINION"  # 鉴定意见
    SIMULATION_RECORD = "SIMULATION_RECORD"  # 模拟实验笔录
    INSURANCE_POLICY_COPY = "INSURANCE_POLICY_COPY"  # 机动车保险单复印件
    DRIVING_LICENCE_COPY = "DRIVING_LICENCE_COPY"  # 当事人驾驶证复印件
    VEHICLE_LICENCE_COPY = "VEHICLE_LICENCE_COPY"  # 事故车辆行驶证复印件
    WITNESS_STATEMENT = "WITNESS_STATEMENT"  # 证人证言
    OTHER = "OTHER"  # 其他证据材料


KIND_LABELS = {
    EvidenceKind.SCENE_DIAGRAM: "交通事故现场图",
    EvidenceKind.SCENE_PHOTO: "现场照片",
    EvidenceKind.SURVEY_RECORD: "勘查笔录",
    EvidenceKind.INSPECTION_REPORT: "检验报告",
    EvidenceKind.APPRAISAL_OPINION: "鉴定意见",
    EvidenceKind.SIMULATION_RECORD: "模拟实验笔录",
    EvidenceKind.INSURANCE_POLICY_COPY: "机动车保险单复印件",
    EvidenceKind.DRIVING_LICENCE_COPY: "当事人驾驶证复印件",
    EvidenceKind.VEHICLE_LICENCE_COPY: "事故车辆行驶证复印件",
    EvidenceKind.WITNESS_STATEMENT: "证人证言",
    EvidenceKind.OTHER: "其他证据材料",
}


class Confidentiality(enum.StrEnum):
    """Content that is never provided (十二-一: 不提供查阅、复制)."""

    NONE = "NONE"
    STATE_SECRET = "STATE_SECRET"  # 国家秘密
    TRADE_SECRET = "TRADE_SECRET"  # 商业秘密
    PRIVACY = "PRIVACY"  # 个人隐私
    WITNESS_CONFIDENTIAL = "WITNESS_CONFIDENTIAL"  # 应证人要求保密的内容


class OfferStatus(enum.StrEnum):
    NOT_OFFERED = "NOT_OFFERED"
    PENDING = "PENDING"  # 勾选, 提交负责人审核
    APPROVED = "APPROVED"  # 审核通过, 交换至互联网服务平台
    REJECTED = "REJECTED"


class DeliveredDocument(enum.StrEnum):
    DETERMINATION = "DETERMINATION"  # 交通事故认定书
    CERTIFICATE = "CERTIFICATE"  # 交通事故证明


ACCESS_CHANNELS = "全国互联网交通安全综合服务管理平台、“交管12123”手机APP"
RIGHTS_AND_DUTIES = (
    "查阅人可以通过上述途径查阅、复制经审核提供的事故证据材料；"
    "涉及国家秘密、商业秘密或者个人隐私以及应证人要求保密的内容不提供查阅、复制。"
    "查阅人应当妥善保管查阅码，不得转借他人；查阅、复制的材料仅用于本事故的处理，"
    "不得擅自公开、传播或者用于其他用途。"
)

_ACCIDENT_NUMBER = re.compile(r"[0-9A-Z-]{6,32}")
_ACCESS_CODE = re.compile(r"[0-9A-Z]{4,16}")


def parse_accident_number(value: str, field: str = "accidentNumber") -> str:
    """事故编号 as stored: 6-32 ASCII digits, capital letters or hyphens (lower case, spaces and
    full-width forms folded by `core.identifiers.parse_reference`). Raises INVALID_INPUT."""
    return parse_reference(
        value, field, _ACCIDENT_NUMBER, "事故编号格式不正确 (6-32 digits/letters)", max_len=40
    )


def parse_access_code(value: str, field: str = "accessCode") -> str:
    """查阅码 as issued: 4-16 ASCII letters or digits, upper case. Raises INVALID_INPUT."""
    return parse_reference(value, field, _ACCESS_CODE, "查阅码格式不正确", max_len=24)


def parse_phone(value: str, field: str = "phone") -> str:
    """联系电话 in its stored form (`core.identifiers.parse_phone`): a mainland mobile number as
    11 digits or a landline as `area-number`. Raises INVALID_PHONE (十二-二)."""
    try:
        return core_parse_phone(value, field)
    except RuleError:
        raise RuleError(
            AccidentEvidenceErrorCode.INVALID_PHONE,
            "联系电话应为11位手机号码或带区号的固定电话。",
            field=field,
        ) from None


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else "****"


def require_general_procedure(procedure: str) -> None:
    """十二-一: only accidents handled under the general procedure (适用一般程序)."""
    if procedure != Procedure.GENERAL:
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_GENERAL_PROCEDURE,
            "只有适用一般程序处理的交通事故可以网上查阅证据材料。",
            field="accidentNumber",
        )


def delivered_on(determination: dt.date | None, certificate: dt.date | None) -> dt.date | None:
    """The first day a party held the determination or the certificate (whichever came first)."""
    days = [d for d in (determination, certificate) if d is not None]
    return min(days) if days else None


def require_delivered(
    determination: dt.date | None, certificate: dt.date | None, today: dt.date
) -> dt.date:
    """十二-一/二: evidence is available only after the party received 认定书 or 事故证明."""
    day = delivered_on(determination, certificate)
    if day is None or day > today:
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_YET_DELIVERED,
            "收到事故认定书或者事故证明后才能查阅、复制证据材料。",
            field="accidentNumber",
            rule=f"{R_SCOPE}: 在收到事故认定书或者事故证明后",
            date=today,
        )
    return day


def require_delivery_date(day: dt.date, occurred_on: dt.date, today: dt.date) -> None:
    """A delivery is recorded when it happened: not in the future, not before the accident."""
    if day > today:
        raise RuleError(
            Code.INVALID_DATE, "送达日期不能晚于今天。", field="deliveredOn", rule=R_PROCESS
        )
    if day < occurred_on:
        raise RuleError(
            Code.INVALID_DATE, "送达日期不能早于事故发生日期。", field="deliveredOn", rule=R_PROCESS
        )


def require_offerable(confidentiality: str, field: str = "itemIds") -> None:
    """十二-一: secrets, trade secrets, privacy and confidential witness content are never offered."""
    if confidentiality != Confidentiality.NONE:
        raise RuleError(
            AccidentEvidenceErrorCode.CONFIDENTIAL,
            "涉及国家秘密、商业秘密或者个人隐私，以及应证人要求保密的内容不提供查阅、复制。",
            field=field,
        )


def visible_to_requester(offer_status: str, confidentiality: str) -> bool:
    """十二-一/四: a requester sees an item only when approved AND not confidential."""
    return offer_status == OfferStatus.APPROVED and confidentiality == Confidentiality.NONE


def require_relation(
    requester_type: RequesterType, party_deceased: bool, same_person_as_party: bool
) -> None:
    """十二-一: 当事人及其代理人、死亡事故当事人近亲属及其代理人."""
    rule = f"{R_SCOPE}: 当事人及其代理人、死亡事故当事人近亲属及其代理人"
    if requester_type is RequesterType.PARTY:
        if party_deceased or not same_person_as_party:
            raise RuleError(
                AccidentEvidenceErrorCode.NOT_A_PARTY,
                "身份证明与所选当事人不一致。",
                field="idNumber",
                rule=rule,
            )
        return
    if same_person_as_party:
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_A_PARTY,
            "当事人本人请选择人员类型“当事人”。",
            field="requesterType",
            rule=rule,
        )
    if requester_type is RequesterType.AGENT and party_deceased:
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_A_PARTY,
            "死亡当事人由其近亲属或近亲属的代理人查阅。",
            field="requesterType",
            rule=rule,
        )
    if (
        requester_type in (RequesterType.DECEASED_RELATIVE, RequesterType.RELATIVE_AGENT)
        and not party_deceased
    ):
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_A_PARTY,
            "近亲属查阅只适用于死亡事故中死亡的当事人。",
            field="requesterType",
            rule=rule,
        )


def require_application_date(day: dt.date, delivered: dt.date, today: dt.date) -> None:
    """十二-二: the written application (书面申请) is made after receiving the determination or
    certificate, and not in the future."""
    if day > today:
        raise RuleError(
            Code.INVALID_DATE, "申请日期不能晚于今天。", field="applicationDate", rule=R_PROCESS
        )
    if day < delivered:
        raise RuleError(
            AccidentEvidenceErrorCode.NOT_YET_DELIVERED,
            "书面申请应在收到事故认定书或者事故证明之后提出。",
            field="applicationDate",
            rule=f"{R_PROCESS}: 在收到交通事故认定书或者事故证明后…应当提交书面申请",
            date=day,
        )


def require_completeness_checked(items_when_checked: int | None, items_now: int) -> None:
    """十二-四: the officer checks the evidence entered is complete before submitting it; an item
    recorded after the check needs a new check."""
    if items_when_checked is None or items_when_checked != items_now:
        raise RuleError(
            AccidentEvidenceErrorCode.COMPLETENESS_NOT_CHECKED,
            "提交审核前，办案民警应当核对录入事故证据材料的完整性（录入新材料后须重新核对）。",
            field="accidentNumber",
            rule=f"{R_REVIEW}: 办案民警应当核对录入事故证据材料的完整性，并…勾选…网上提交事故处理机构负责人审核",
        )


def unreachable(field: str, deceased: bool) -> RuleError:
    """十二-二: every party (for a party who died, their close relatives) is told at acceptance;
    someone with neither an account nor a phone cannot be."""
    message = (
        "死亡当事人须登记至少一名可告知的近亲属（有账号或联系电话）。"
        if deceased
        else "无法告知该当事人：其未注册账号，请登记联系电话。"
    )
    return RuleError(
        AccidentEvidenceErrorCode.PARTY_UNREACHABLE,
        message,
        field=field,
    )


def code_hash(requester_id: str, code: str) -> str:
    """The stored form of an access code (the code itself is shown once, on the voucher)."""
    return hashlib.sha256(f"M12:{requester_id}:{code}".encode()).hexdigest()


def code_matches(requester_id: str, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(requester_id, code), stored)


def voucher_text(accident_number: str, access_code: str, issued_on: dt.date) -> str:
    """十二-二: 查阅凭证包括事故编号、查阅码、查阅途径和权利义务等信息."""
    return "\n".join(
        [
            "交通事故证据材料查阅凭证",
            f"事故编号：{accident_number}",
            f"查阅码：{access_code}",
            f"查阅途径：{ACCESS_CHANNELS}",
            f"权利义务：{RIGHTS_AND_DUTIES}",
            f"开具日期：{issued_on.isoformat()}",
        ]
    )


AccidentEvidenceErrorCode.cites(
    {
        AccidentEvidenceErrorCode.NOT_GENERAL_PROCEDURE: f"{R_SCOPE}: 对适用一般程序处理的交通事故",
        AccidentEvidenceErrorCode.CONFIDENTIAL: f"{R_SCOPE}: 涉及国家秘密、商业秘密或者个人隐私…不提供查阅、复制",
        AccidentEvidenceErrorCode.NOTHING_SELECTED: R_REVIEW,
        AccidentEvidenceErrorCode.NOTHING_PENDING: R_REVIEW,
        AccidentEvidenceErrorCode.ALREADY_OFFERED: R_REVIEW,
        AccidentEvidenceErrorCode.INVALID_PHONE: R_PROCESS,
        AccidentEvidenceErrorCode.PARTY_UNREACHABLE: f"{R_PROCESS}: 交通事故案件受理后，办案民警应当告知当事人各方可以…查阅、复制事故证据材料",
    }
)
