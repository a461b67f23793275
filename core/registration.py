"""Opening a personal account (个人账号) in two steps, without answering who already has one.

Step 1, `start` (mutation `citizenRegister`): the caller gives ID type and number, name, phone and
password. The answer is the same for every well-formed request: "if these details can open an
account, a code has been sent to the phone". What actually happens depends on what is on file:

| on file                                         | verdict         | out of band                      |
| ----------------------------------------------- | --------------- | -------------------------------- |
| nothing in the way                              | ELIGIBLE        | SMS code to the phone given      |
| the person, no account yet, another phone       | ON_FILE         | SMS code to the phone on file    |
| the person, no account yet, no phone on file    | NO_CONTACT      | none: open it at a window        |
| a person with this ID number and another name   | NAME_MISMATCH   | notice to that person            |
| that person already has a personal account      | HAS_ACCOUNT     | notice to that person            |
| the phone is already some account's login       | PHONE_TAKEN     | notice to that login's owner     |

so the caller learns nothing about the name on file, existing accounts or used phone numbers; the
people concerned learn of the attempt through their own channel. The audit event records the
true verdict (outcome "OK" or "REFUSED:<verdict>"; the audit log is internal).

Step 2, `confirm` (mutation `citizenRegisterConfirm`): phone and the 6-digit code. Only then are
the person (when new) and the account created, after checking again that nothing got in the way.
A wrong, expired or unknown code gets one answer; 5 wrong codes use a request up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from core import outbox
from core.accounts import Account, Person, Role
from core.context import WriteScope
from core.db import stamp
from core.errors import Code, RuleError
from core.identity import IdentityNumber
from core.ids import new_id
from core.notices import CORE_BY_NAME, Addressee
from core.registries.persons import person_by_identity
from core.validation import name_key

CODE_MINUTES = 10  # a code is valid this long
MAX_CODE_ATTEMPTS = 5  # wrong codes before a request is used up

ELIGIBLE = "ELIGIBLE"
ON_FILE = "ON_FILE"  # a person on file, no account yet, another phone: the code goes to theirs
NO_CONTACT = "NO_CONTACT"  # a person on file with no phone: only a window can open the account
CONFIRMABLE = (ELIGIBLE, ON_FILE)
NAME_MISMATCH = "NAME_MISMATCH"
HAS_ACCOUNT = "HAS_ACCOUNT"
PHONE_TAKEN = "PHONE_TAKEN"

NEUTRAL_MESSAGE = (
    f"If these details can open an account, a confirmation code has been sent to the phone by "
    f"SMS; it is valid for {CODE_MINUTES} minutes. If no code arrives, check the details or "
    "register at a service window with your identity document."
)
_GONE_MESSAGE = "This registration can no longer be completed; start again or ask at a window."
BAD_CODE_MESSAGE = "The code is wrong or has expired; request a new one if needed."


class RegistrationRequest(SQLModel, table=True):
    """One step-1 request: what was asked, the internal verdict, and the code's hash."""

    __tablename__ = "registration_requests"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    phone: str = Field(max_length=20, index=True)
    id_type: str = Field(max_length=24)
    id_number: str = Field(max_length=40)
    name: str = Field(max_length=64)
    birth_date: dt.date | None = None
    password_hash: str = Field(max_length=200)  # "-" unless ELIGIBLE
    code_hash: str = Field(max_length=64)
    verdict: str = Field(max_length=16)  # ELIGIBLE | NAME_MISMATCH | HAS_ACCOUNT | PHONE_TAKEN
    # PENDING (code sent) | REFUSED | SUPERSEDED | USED_UP | CONFIRMED
    status: str = Field(max_length=12, index=True)
    attempts: int = 0
    account_id: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    expires_at: dt.datetime


def start(
    scope: WriteScope,
    ident: IdentityNumber,
    name: str,
    phone: str,
    password_hash: str,
) -> RegistrationRequest:
    """Step 1 (inputs already validated, password already hashed off the event loop): record the
    request, queue what goes out of band, and set the audit outcome to the true verdict."""
    session = scope.session
    now = scope.now
    person = person_by_identity(session, ident)
    verdict, notice_to, template, params = _verdict(session, person, name, phone)
    for older in session.exec(
        select(RegistrationRequest).where(
            RegistrationRequest.phone == phone, RegistrationRequest.status == "PENDING"
        )
    ).all():
        older.status = "SUPERSEDED"  # one live code per phone: the newest
        session.add(older)
    request = RegistrationRequest(
        phone=phone,
        id_type=ident.doc_type.value,
        id_number=ident.number,
        name=name,
        birth_date=ident.birth_date,
        password_hash=password_hash if verdict in CONFIRMABLE else "-",
        code_hash="",
        verdict=verdict,
        status="PENDING" if verdict in CONFIRMABLE else "REFUSED",
        created_at=stamp(now),
        expires_at=stamp(now + dt.timedelta(minutes=CODE_MINUTES)),
    )
    code = f"{secrets.randbelow(10**6):06d}"
    request.code_hash = _code_hash(request.id, code)
    session.add(request)
    if verdict == ELIGIBLE:
        _sms(session, now, Addressee(phone=phone), "core.register.code", {"code": code})
    elif verdict == ON_FILE:
        _sms(session, now, Addressee(person_id=notice_to), template, {**params, "code": code})
    elif notice_to is not None:
        _sms(session, now, Addressee(person_id=notice_to), template, params)
    session.flush()
    scope.subject(person.id if person else None, f"RegistrationRequest:{request.id}")
    scope.outcome = "OK" if verdict in CONFIRMABLE else f"REFUSED:{verdict}"
    return request


def confirm(scope: WriteScope, phone: str, code: str) -> Account | RuleError:
    """Step 2: the account for the newest live request of `phone` whose code is `code`, or the
    refusal to answer (BAD_CREDENTIALS for any wrong / expired / unknown code; CONFLICT when
    something got in the way since step 1). A wrong code is counted and kept (returned, not
    raised); the audit outcome is set either way."""
    session = scope.session
    now = scope.now
    request = session.exec(
        select(RegistrationRequest)
        .where(
            RegistrationRequest.phone == phone,
            RegistrationRequest.status == "PENDING",
            RegistrationRequest.expires_at > stamp(now),
        )
        .order_by(RegistrationRequest.created_at.desc())  # type: ignore[attr-defined]
        .with_for_update()
    ).first()
    if request is None or not hmac.compare_digest(request.code_hash, _code_hash(request.id, code)):
        if request is not None:
            request.attempts += 1
            if request.attempts >= MAX_CODE_ATTEMPTS:
                request.status = "USED_UP"
            session.add(request)
            scope.subject(None, f"RegistrationRequest:{request.id}")
        scope.outcome = "REFUSED:BAD_CODE"
        return RuleError(Code.BAD_CREDENTIALS, BAD_CODE_MESSAGE, field="code")
    ident_type, number = request.id_type, request.id_number
    person = session.exec(
        select(Person).where(Person.id_type == ident_type, Person.id_number == number)
    ).first()
    verdict, *_ = _verdict(session, person, request.name, phone)
    scope.subject(person.id if person else None, f"RegistrationRequest:{request.id}")
    if verdict not in CONFIRMABLE:  # another registration or a clerk got there since step 1
        request.status = "REFUSED"
        request.verdict = verdict
        session.add(request)
        scope.outcome = f"REFUSED:{verdict}"
        return RuleError(Code.CONFLICT, _GONE_MESSAGE, field="code")
    try:
        if person is None:
            person = Person(
                id_type=ident_type,
                id_number=number,
                name=request.name,
                birth_date=request.birth_date,
                phone=phone,
                created_at=stamp(now),
            )
            session.add(person)
            session.flush()  # the account row refers to it
        account = Account(
            kind="CITIZEN",
            login=phone,
            password_hash=request.password_hash,
            person_id=person.id,
            roles=[Role.CITIZEN.value],
            created_at=stamp(now),
        )
        session.add(account)
        request.status = "CONFIRMED"
        request.account_id = account.id
        session.add(request)
        session.flush()
    except IntegrityError:  # a concurrent confirmation took the person or the login
        raise RuleError(Code.CONFLICT, _GONE_MESSAGE, field="code") from None
    scope.subject(person.id, f"Account:{account.id}")
    return account


def _verdict(
    session: Session, person: Person | None, name: str, phone: str
) -> tuple[str, str | None, str, dict[str, str]]:
    """(verdict, person to notify, template, params) for a request with these details."""
    if person is not None and name_key(person.name) != name_key(name):
        return NAME_MISMATCH, person.id, "core.register.identity_used", {}
    if person is not None:
        existing = session.exec(
            select(Account).where(Account.person_id == person.id, Account.kind == "CITIZEN")
        ).first()
        if existing is not None:
            return (
                HAS_ACCOUNT,
                person.id,
                "core.register.already_registered",
                {"login": _mask_login(existing.login)},
            )
    holder = session.exec(select(Account).where(Account.login == phone)).first()
    if holder is not None:
        return PHONE_TAKEN, holder.person_id, "core.register.phone_in_use", {}
    if person is not None and person.phone != phone:
        # the name and number are on file: knowing them must not be enough to take the record,
        # so the code goes to the phone on file, never to the one given
        if not person.phone:
            return NO_CONTACT, None, "", {}
        return ON_FILE, person.id, "core.register.code_on_file", {"phone": _mask_login(phone)}
    return ELIGIBLE, None, "", {}


def _sms(
    session: Session, now: dt.datetime, to: Addressee, template: str, params: dict[str, Any]
) -> None:
    """Queue one of the core's registration notices (core/notices.py) by SMS."""
    params = {**params, "minutes": CODE_MINUTES}
    text = CORE_BY_NAME[template].render(params)
    outbox.enqueue(
        session, now, None, template, params, channel="SMS", measure="core", to=to, text=text
    )


def _code_hash(request_id: str, code: str) -> str:
    return hashlib.sha256(f"{request_id}:{code}".encode()).hexdigest()


def _mask_login(login: str) -> str:
    return login[:3] + "*" * max(0, len(login) - 7) + login[-4:] if len(login) > 7 else "***"
