"""Operations of M12: load, check the rules, write. Called by the resolvers in schema.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts import Account, Person
from core.audit import AuditEvent
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.documents.signing import sign_document, text_claims
from core.errors import Code, NotFound, RuleError
from core.identifiers import parse_sha256
from core.identity import DocumentType, mask_id_number, parse_identity
from core.ids import lookup_id, new_code
from core.notices import Addressee
from core.registries.persons import person_by_identity
from core.validation import optional_text, require_person_name, require_text
from core.workflow import move

from . import offer_flow, rules
from .errors import AccidentEvidenceErrorCode
from .models import (
    AccidentCase,
    AccidentParty,
    AccidentRelative,
    EvidenceItem,
    EvidenceRequester,
)
from .rules import (
    MEASURE,
    Confidentiality,
    DeliveredDocument,
    EvidenceKind,
    OfferStatus,
    Procedure,
    RequesterType,
)

QR_PREFIX = "AE1:"
# accident number, requester id, city code, issue date (ISO): README "Voucher QR"
QR_CLAIMS = text_claims("AE1", 4)
ACCESS_ACTION = f"{MEASURE}.access"
# guessing limits: failed codes within the window lock the caller / the accident
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_CALLER = 5
MAX_FAILURES_PER_ACCIDENT = 20
Row = TypeVar("Row", AccidentParty, AccidentRelative, EvidenceItem, EvidenceRequester)


@dataclass(frozen=True)
class RelativeInput:
    """A close relative (近亲属) of a party who died: told in the party's place."""

    name: str
    id_type: DocumentType
    id_number: str
    phone: str | None = None


@dataclass(frozen=True)
class PartyInput:
    name: str
    id_type: DocumentType
    id_number: str
    deceased: bool
    phone: str | None = None
    relatives: tuple[RelativeInput, ...] = ()


@dataclass(frozen=True)
class IssuedVoucher:
    requester: EvidenceRequester
    access_code: str
    text: str
    qr: str


# --- loading ---------------------------------------------------------------------------------------


def find_case(session: Session, number: str) -> AccidentCase | None:
    return session.exec(select(AccidentCase).where(AccidentCase.accident_number == number)).first()


def staff_case(ctx: Context, session: Session, accident_number: str) -> AccidentCase:
    """The case by number for staff: in force in its city and within the caller's jurisdiction."""
    number = rules.parse_accident_number(accident_number)
    case = find_case(session, number)
    if case is None:
        raise NotFound("Accident", "accidentNumber")
    ctx.require_in_force(MEASURE, case.city_code, field="accidentNumber")
    ctx.require_jurisdiction(case.city_code, rule="M12 2021-十二-二", field="accidentNumber")
    return case


def _rows_of(session: Session, model: type[Row], case_id: str, *order: Any) -> list[Row]:
    """The case's rows of one table (`model.case_id == case_id`), in `order`."""
    return list(session.exec(select(model).where(model.case_id == case_id).order_by(*order)).all())


def parties_of(session: Session, case_id: str) -> list[AccidentParty]:
    return _rows_of(session, AccidentParty, case_id, AccidentParty.id)


def relatives_of(session: Session, case_id: str) -> list[AccidentRelative]:
    return _rows_of(
        session, AccidentRelative, case_id, AccidentRelative.recorded_at, AccidentRelative.id
    )


def items_of(session: Session, case_id: str) -> list[EvidenceItem]:
    return _rows_of(session, EvidenceItem, case_id, EvidenceItem.recorded_at, EvidenceItem.id)


def requesters_of(session: Session, case_id: str) -> list[EvidenceRequester]:
    return _rows_of(
        session, EvidenceRequester, case_id, EvidenceRequester.registered_at, EvidenceRequester.id
    )


# --- officer and head writes -------------------------------------------------------------------------


def register_case(
    ctx: Context,
    scope: WriteScope,
    accident_number: str,
    city_code: str,
    procedure: Procedure,
    occurred_on: dt.date,
    summary: str | None,
    parties: list[PartyInput],
) -> AccidentCase:
    """Record an accident and its parties; tell the parties they may look evidence up online (十二-二)."""
    session = scope.session
    number = rules.parse_accident_number(accident_number)
    city = lookup_city(city_code, "city").code
    ctx.require_in_force(MEASURE, city)
    ctx.require_jurisdiction(city, field="city")
    if occurred_on > ctx.today():
        raise RuleError(Code.INVALID_DATE, "事故发生日期不能晚于今天。", field="occurredOn")
    if not 1 <= len(parties) <= 20:
        raise RuleError(Code.INVALID_INPUT, "Give 1 to 20 parties.", field="parties")
    if find_case(session, number) is not None:
        raise RuleError(Code.ALREADY_EXISTS, "事故编号已存在。", field="accidentNumber")
    case = AccidentCase(
        accident_number=number,
        city_code=city,
        procedure=procedure.value,
        occurred_on=occurred_on,
        summary=optional_text("summary", summary, 500, multiline=True),
        officer_account_id=ctx.actor.account_id,
        created_at=stamp(ctx.now()),
    )
    session.add(case)
    session.flush()
    seen: set[tuple[str, str]] = set()
    general = procedure is Procedure.GENERAL
    for i, p in enumerate(parties):
        name = require_person_name(f"parties[{i}].name", p.name, 64)
        ident = parse_identity(p.id_type, p.id_number, field=f"parties[{i}].idNumber")
        key = (ident.doc_type.value, ident.number)
        if key in seen:
            raise RuleError(Code.INVALID_INPUT, "Duplicate party.", field=f"parties[{i}].idNumber")
        seen.add(key)
        if p.relatives and not p.deceased:
            raise RuleError(
                Code.INVALID_INPUT,
                "近亲属只为死亡当事人登记。",
                field=f"parties[{i}].relatives",
                rule=rules.R_SCOPE,
            )
        if len(p.relatives) > 10:
            raise RuleError(Code.INVALID_INPUT, "At most 10 relatives.", f"parties[{i}].relatives")
        person = person_by_identity(session, ident)
        party = AccidentParty(
            case_id=case.id,
            name=name,
            id_type=key[0],
            id_number=key[1],
            person_id=person.id if person else None,
            deceased=p.deceased,
            phone=rules.parse_phone(p.phone, f"parties[{i}].phone") if p.phone else None,
        )
        session.add(party)
        session.flush()
        if not p.deceased:
            if general:
                if not _tell(ctx, session, number, party.person_id, party.phone, "您"):
                    raise rules.unreachable(f"parties[{i}].phone", deceased=False)
                party.told_at = stamp(ctx.now())
            continue
        told = 0
        for j, r in enumerate(p.relatives):
            relative = _add_relative(ctx, session, case, party, r, f"parties[{i}].relatives[{j}]")
            told += relative.told_at is not None
        if general and not told:
            raise rules.unreachable(f"parties[{i}].relatives", deceased=True)
        if told:
            party.told_at = stamp(ctx.now())
    scope.subject(ref=f"AccidentCase:{case.id}", parties=len(parties))
    return case


def _tell(ctx: Context, session: Session, number: str, person_id: str | None,
          phone: str | None, whom: str) -> bool:  # fmt: skip
    """十二-二: tell someone at acceptance that evidence may be looked up online: in the app when
    they have a citizen account, else by SMS to the mobile number given (or on file). False when
    neither is possible."""
    params = {"accidentNumber": number, "whom": whom}
    if (
        person_id
        and session.exec(
            select(Account.id).where(
                Account.person_id == person_id,
                Account.kind == "CITIZEN",
                Account.status == "ACTIVE",
            )
        ).first()
    ):
        ctx.notify(session, person_id, f"{MEASURE}.may_access", params)
        return True
    if not phone and person_id:  # the phone on file
        person = session.get(Person, person_id)
        phone = person.phone if person else None
    if phone and "-" not in phone:  # a mobile number (a landline cannot take an SMS)
        ctx.notify(session, Addressee(phone=phone), f"{MEASURE}.may_access", params, channel="SMS")
        return True
    return False


def _add_relative(ctx: Context, session: Session, case: AccidentCase, party: AccidentParty,
                  r: RelativeInput, field: str) -> AccidentRelative:  # fmt: skip
    """Record a close relative of a party who died and, for a general-procedure case, tell them
    in the party's place (十二-一 死亡事故当事人近亲属, 十二-二 告知当事人各方)."""
    name = require_person_name(f"{field}.name", r.name, 64)
    ident = parse_identity(r.id_type, r.id_number, field=f"{field}.idNumber")
    if (ident.doc_type.value, ident.number) == (party.id_type, party.id_number):
        raise RuleError(Code.INVALID_INPUT, "近亲属不能是当事人本人。", f"{field}.idNumber")
    duplicate = session.exec(
        select(AccidentRelative).where(
            AccidentRelative.party_id == party.id,
            AccidentRelative.id_type == ident.doc_type.value,
            AccidentRelative.id_number == ident.number,
        )
    ).first()
    if duplicate is not None:
        raise RuleError(Code.ALREADY_EXISTS, "该近亲属已登记。", f"{field}.idNumber")
    person = person_by_identity(session, ident)
    relative = AccidentRelative(
        case_id=case.id,
        party_id=party.id,
        name=name,
        id_type=ident.doc_type.value,
        id_number=ident.number,
        phone=rules.parse_phone(r.phone, f"{field}.phone") if r.phone else None,
        person_id=person.id if person else None,
        recorded_at=stamp(ctx.now()),
    )
    whom = f"您作为死亡当事人{party.name}的近亲属，"
    if case.procedure == Procedure.GENERAL and _tell(
        ctx, session, case.accident_number, relative.person_id, relative.phone, whom
    ):
        relative.told_at = stamp(ctx.now())
    session.add(relative)
    session.flush()
    return relative


def add_relative(ctx: Context, scope: WriteScope, accident_number: str, party_id: str,
                 relative: RelativeInput) -> AccidentCase:  # fmt: skip
    """Record (and tell) a close relative of a party who died, after the case was accepted."""
    session = scope.session
    case = staff_case(ctx, session, accident_number)
    party = session.get(AccidentParty, lookup_id(party_id))
    if party is None or party.case_id != case.id:
        raise NotFound("Party", "partyId")
    if not party.deceased:
        raise RuleError(
            Code.INVALID_INPUT, "近亲属只为死亡当事人登记。", field="partyId", rule=rules.R_SCOPE
        )
    added = _add_relative(ctx, session, case, party, relative, "relative")
    if case.procedure == Procedure.GENERAL and added.told_at is None:
        raise rules.unreachable("relative.phone", deceased=True)
    if added.told_at is not None and party.told_at is None:
        party.told_at = added.told_at
        session.add(party)
    scope.subject(added.person_id, f"AccidentRelative:{added.id}", party=party.id)
    return case


def confirm_completeness(ctx: Context, scope: WriteScope, accident_number: str,
                         note: str | None) -> AccidentCase:  # fmt: skip
    """十二-四: the officer confirms the evidence entered for the case is complete (核对完整性);
    evidence may then be submitted for review until another item is recorded."""
    case = staff_case(ctx, scope.session, accident_number)
    rules.require_general_procedure(case.procedure)
    count = len(items_of(scope.session, case.id))
    if count == 0:
        raise RuleError(
            AccidentEvidenceErrorCode.COMPLETENESS_NOT_CHECKED,
            "尚未录入任何事故证据材料。",
            field="accidentNumber",
            rule=rules.R_REVIEW,
        )
    case.completeness_checked_at = stamp(ctx.now())
    case.completeness_checked_by = ctx.actor.account_id
    case.completeness_note = optional_text("note", note, 300, multiline=True)
    case.completeness_items = count
    scope.session.add(case)
    scope.subject(ref=f"AccidentCase:{case.id}", items=count)
    return case


def record_delivery(
    ctx: Context,
    scope: WriteScope,
    accident_number: str,
    document: DeliveredDocument,
    delivered_on: dt.date,
) -> AccidentCase:
    """Record when the 事故认定书 / 事故证明 was delivered (the day access may start)."""
    case = staff_case(ctx, scope.session, accident_number)
    rules.require_general_procedure(case.procedure)
    rules.require_delivery_date(delivered_on, case.occurred_on, ctx.today())
    if document is DeliveredDocument.DETERMINATION:
        case.determination_delivered_on = delivered_on
    else:
        case.certificate_delivered_on = delivered_on
    scope.session.add(case)
    scope.subject(ref=f"AccidentCase:{case.id}", document=document.value)
    return case


def record_item(
    ctx: Context,
    scope: WriteScope,
    accident_number: str,
    kind: EvidenceKind,
    title: str,
    content: str,
    confidentiality: Confidentiality,
) -> EvidenceItem:
    """十二-四: the officer enters the evidence material of the case (及时、完整录入)."""
    case = staff_case(ctx, scope.session, accident_number)
    text = require_text("content", content, 4000, multiline=True)
    item = EvidenceItem(
        case_id=case.id,
        kind=kind.value,
        title=require_text("title", title, 200),
        content=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        confidentiality=confidentiality.value,
        recorded_at=stamp(ctx.now()),
    )
    scope.session.add(item)
    scope.session.flush()
    scope.subject(ref=f"EvidenceItem:{item.id}", kind=kind.value)
    return item


def submit_offer(
    ctx: Context, scope: WriteScope, accident_number: str, item_ids: list[str]
) -> AccidentCase:
    """十二-四: the officer ticks the items to provide and submits them to the unit head."""
    case = staff_case(ctx, scope.session, accident_number)
    rules.require_general_procedure(case.procedure)
    wanted = list(dict.fromkeys(lookup_id(i) for i in item_ids))
    if not wanted or len(wanted) > 200:
        raise RuleError(
            AccidentEvidenceErrorCode.NOTHING_SELECTED,
            "Select 1 to 200 evidence items.",
            field="itemIds",
        )
    on_file = items_of(scope.session, case.id)
    rules.require_completeness_checked(case.completeness_items, len(on_file))
    by_id = {i.id: i for i in on_file}
    for n, item_id in enumerate(wanted):
        item = by_id.get(item_id)
        if item is None:
            raise NotFound("EvidenceItem", f"itemIds[{n}]")
        rules.require_offerable(item.confidentiality, field=f"itemIds[{n}]")
        if item.offer_status in (OfferStatus.PENDING, OfferStatus.APPROVED):
            raise RuleError(
                AccidentEvidenceErrorCode.ALREADY_OFFERED,
                "This item is already submitted or approved.",
                field=f"itemIds[{n}]",
            )
        move(ctx, scope.session, offer_flow.FLOW, item, "submit", status_field="offer_status",
             values={"offered_by": ctx.actor.account_id, "offered_at": stamp(ctx.now()),
                     "reviewed_by": None, "reviewed_at": None, "review_note": None},
             field_name=f"itemIds[{n}]")  # fmt: skip
    scope.subject(ref=f"AccidentCase:{case.id}", items=len(wanted))
    return case


def review_offer(
    ctx: Context, scope: WriteScope, accident_number: str, approve: bool, note: str | None
) -> AccidentCase:
    """十二-四: the accident-unit head approves (or rejects) every pending item of the case."""
    case = staff_case(ctx, scope.session, accident_number)
    note_text = optional_text("note", note, 300, multiline=True)
    if not approve and note_text is None:
        raise RuleError(Code.INVALID_INPUT, "A rejection needs a note.", field="note")
    pending = [i for i in items_of(scope.session, case.id) if i.offer_status == OfferStatus.PENDING]
    if not pending:
        raise RuleError(
            AccidentEvidenceErrorCode.NOTHING_PENDING,
            "No submitted items wait for review.",
            field="accidentNumber",
        )
    for item in pending:
        # an item classified confidential after submission is never approved
        ok = approve and item.confidentiality == Confidentiality.NONE
        move(ctx, scope.session, offer_flow.FLOW, item, "approve" if ok else "reject",
             status_field="offer_status",
             values={"reviewed_by": ctx.actor.account_id, "reviewed_at": stamp(ctx.now()),
                     "review_note": note_text},
             field_name="accidentNumber")  # fmt: skip
    if approve:
        for requester in requesters_of(scope.session, case.id):
            if requester.person_id:
                ctx.notify(
                    scope.session,
                    requester.person_id,
                    f"{MEASURE}.available",
                    {"accidentNumber": case.accident_number},
                    measure=MEASURE,
                )
    scope.subject(ref=f"AccidentCase:{case.id}", approved=approve, items=len(pending))
    return case


def register_requester(
    ctx: Context,
    scope: WriteScope,
    accident_number: str,
    party_id: str,
    requester_type: RequesterType,
    id_type: DocumentType,
    id_number: str,
    phone: str,
    application_date: dt.date,
    application_sha256: str,
) -> IssuedVoucher:
    """十二-二: on the party's written application (its date and document), after the identity
    check, record 人员类型、身份证明类型、号码、联系电话; issue the 查阅码 and the voucher
    (事故编号、查阅码、查阅途径、权利义务)."""
    session = scope.session
    case = staff_case(ctx, session, accident_number)
    rules.require_general_procedure(case.procedure)
    delivered = rules.require_delivered(
        case.determination_delivered_on, case.certificate_delivered_on, ctx.today()
    )
    rules.require_application_date(application_date, delivered, ctx.today())
    document = parse_sha256(application_sha256, "applicationDocumentSha256")
    ident = parse_identity(id_type, id_number, field="idNumber")
    phone_text = rules.parse_phone(phone)
    party = session.get(AccidentParty, lookup_id(party_id))
    if party is None or party.case_id != case.id:
        raise NotFound("Party", "partyId")
    same = party.id_type == ident.doc_type.value and party.id_number == ident.number
    rules.require_relation(requester_type, party.deceased, same)
    duplicate = session.exec(
        select(EvidenceRequester).where(
            EvidenceRequester.case_id == case.id,
            EvidenceRequester.id_type == ident.doc_type.value,
            EvidenceRequester.id_number == ident.number,
        )
    ).first()
    if duplicate is not None:
        raise RuleError(
            Code.ALREADY_EXISTS,
            "This person already has an access code for this accident.",
            field="idNumber",
        )
    person = person_by_identity(session, ident)
    requester = EvidenceRequester(
        case_id=case.id,
        party_id=party.id,
        requester_type=requester_type.value,
        id_type=ident.doc_type.value,
        id_number=ident.number,
        phone=phone_text,
        person_id=person.id if person else None,
        code_hash="",
        registered_by=ctx.actor.account_id,
        registered_at=stamp(ctx.now()),
        application_date=application_date,
        application_sha256=document,
    )
    code = new_code(8)
    requester.code_hash = rules.code_hash(requester.id, code)
    session.add(requester)
    session.flush()
    today = ctx.today()
    qr = sign_document(
        ctx.platform.keys,
        QR_PREFIX,
        {1: case.accident_number, 2: requester.id, 3: case.city_code, 4: today.isoformat()},
    )
    scope.subject(
        person.id if person else None,
        f"EvidenceRequester:{requester.id}",
        requesterType=requester_type.value,
        idNumber=mask_id_number(ident.number),
    )
    return IssuedVoucher(requester, code, rules.voucher_text(case.accident_number, code, today), qr)


# --- the requester's access ------------------------------------------------------------------------


def _failures_since(ctx: Context, since: dt.datetime, **match: str) -> int:
    conditions = [
        AuditEvent.action == ACCESS_ACTION,
        AuditEvent.outcome == f"REFUSED:{AccidentEvidenceErrorCode.ACCESS_DENIED}",
        AuditEvent.at >= stamp(since),
    ]
    conditions += [getattr(AuditEvent, k) == v for k, v in match.items()]
    return int(ctx.session.exec(select(func.count()).where(*conditions)).one())


def _deny(ctx: Context, ref: str) -> RuleError:
    ctx.audit_read(
        ACCESS_ACTION,
        None,
        ref,
        {"reason": "code"},
        outcome=f"REFUSED:{AccidentEvidenceErrorCode.ACCESS_DENIED}",
    )
    return RuleError(
        AccidentEvidenceErrorCode.ACCESS_DENIED,
        "事故编号、查阅码或身份证明不一致。",
        field="accessCode",
        rule=f"{rules.R_PROCESS}: 查阅码",
    )


def open_access(
    ctx: Context, accident_number: str, access_code: str
) -> tuple[AccidentCase, EvidenceRequester]:
    """The signed-in requester presents accident number + access code; their ID must match the
    one the officer recorded. Every attempt is rate-limited per caller and per accident, and
    failed attempts lock the caller (5) and the accident (20) for 15 minutes."""
    person_id = ctx.require_person()
    caller = ctx.actor.account_id or person_id
    try:  # one key per accident whatever its spelling, so alternating spellings share the limit
        key = rules.parse_accident_number(accident_number)
    except RuleError:  # counted as an attempt, refused below
        key = str(accident_number or "")[:32]
    limiter = ctx.platform.limiter
    limiter.hit(f"{MEASURE}.code.caller", caller, 30, 600, field="accessCode")
    limiter.hit(f"{MEASURE}.code.accident", key, 60, 600, field="accessCode")
    since = ctx.now() - FAILURE_WINDOW
    ref = f"AccidentNumber:{key}"
    if (
        _failures_since(ctx, since, actor_account_id=caller) >= MAX_FAILURES_PER_CALLER
        or _failures_since(ctx, since, subject_ref=ref) >= MAX_FAILURES_PER_ACCIDENT
    ):
        raise RuleError(
            Code.RATE_LIMITED,
            "查阅码错误次数过多，请15分钟后再试。",
            field="accessCode",
            rule=f"{rules.R_PROCESS}: 查阅码",
        )
    number = rules.parse_accident_number(accident_number)
    code = rules.parse_access_code(access_code)
    case = find_case(ctx.session, number)
    if case is None:
        raise _deny(ctx, ref)
    ctx.require_in_force(MEASURE, case.city_code, field="accidentNumber")
    person = ctx.session.get(Person, person_id)
    match = None
    for requester in requesters_of(ctx.session, case.id):
        if rules.code_matches(requester.id, code, requester.code_hash):
            match = requester
            break
    if (
        match is None
        or person is None
        or (person.id_type, person.id_number) != (match.id_type, match.id_number)
    ):
        raise _deny(ctx, ref)
    rules.require_general_procedure(case.procedure)
    rules.require_delivered(
        case.determination_delivered_on, case.certificate_delivered_on, ctx.today()
    )
    return case, match


def visible_items(session: Session, case: AccidentCase) -> list[EvidenceItem]:
    """Approved, non-confidential items only (confidential ones are filtered even if approved)."""
    return [
        i
        for i in items_of(session, case.id)
        if rules.visible_to_requester(i.offer_status, i.confidentiality)
    ]


def audit_access(
    ctx: Context, case: AccidentCase, requester: EvidenceRequester, what: str, item_id: str = ""
) -> None:
    detail = {"what": what, "requester": requester.id}
    if item_id:
        detail["item"] = item_id
    ctx.audit_read(ACCESS_ACTION, requester.person_id, f"AccidentCase:{case.id}", detail)
