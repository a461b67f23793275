"""Object-level checks shared by the operations: which unit, which membership, which person."""

from __future__ import annotations

from sqlmodel import Session, select

from core import units
from core.accounts import Account, Person, Unit, UnitMember
from core.context import Context
from core.errors import NotFound, RuleError
from core.identity import parse_credit_code, parse_identity
from core.registries.persons import person_by_identity
from core.validation import require_text

from . import rules
from .errors import UnitAccountErrorCode
from .rules import MEASURE

ACTIVE = "ACTIVE"


def load_unit(session: Session, unit_id: str, field: str = "unitId") -> Unit:
    require_text(field, unit_id, 16)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Unit", field)
    return unit


def unit_by_credit_code(session: Session, credit_code: str) -> Unit:
    code = parse_credit_code(credit_code, "unitCreditCode")
    unit = session.exec(select(Unit).where(Unit.credit_code == code)).first()
    if unit is None:
        raise NotFound("Unit", "unitCreditCode")
    return unit


def membership(session: Session, unit_id: str, person_id: str) -> UnitMember | None:
    """The person's active membership of the unit, if any (core/units.py)."""
    return units.active_membership(session, unit_id, person_id)


CHANNEL_HEADER = units.CHANNEL_HEADER  # sent by the web platform: WEB (the app sends none)
WEB_SESSION_CLAIM = units.WEB_SESSION_CLAIM  # the unit a QR web sign-in was approved for


def web_session(ctx: Context) -> tuple[bool, str | None]:
    """(the request comes from the web platform, the unit its QR sign-in is bound to)."""
    return units.web_session(ctx)


def require_member(ctx: Context, session: Session, unit_id: str) -> tuple[Unit, UnitMember]:
    """The caller's active membership of `unit_id`, with the measure in force in the unit's city.

    The checks are the core's (`core.units.require_unit_member`, shared with M09 and M14): a
    caller who is not an active member gets NOT_FOUND (the same as for an unknown unit), so unit
    ids cannot be probed. On the web (八-二) unit business is reached only through the app's QR
    sign-in: a web request with a password token is refused (UNIT_WEB_QR_REQUIRED), and a QR
    web session acts only for the unit it was approved for (UNIT_WEB_SESSION_OTHER_UNIT).
    """
    person_id = ctx.require_person()
    units.require_web_rule(ctx, None, "unitId")  # before the id is read: nothing to probe
    load_unit(session, unit_id)  # INVALID_INPUT for a malformed id
    unit, member = units.require_unit_member(session, person_id, unit_id, "unitId", ctx=ctx)
    ctx.require_in_force(MEASURE, unit.city_code, field="unitId")
    return unit, member


def require_window_clerk(ctx: Context, unit: Unit) -> None:
    """A clerk of the unit's city (属地) at a window, from 2024-07-01 (八-二)."""
    ctx.require_in_force(MEASURE, unit.city_code, field="unitCreditCode")
    ctx.require_jurisdiction(unit.city_code, rule=rules.RULE_WINDOW, field="unitCreditCode")
    rules.require_new_rules(ctx.today(), "unitCreditCode", rules.RULE_WINDOW)


def person_with_account(session: Session, id_type: str, id_number: str) -> Person:
    """The person with this identity, who must already hold a personal app account (八-二)."""
    require_text("idType", id_type, 24)
    identity = parse_identity(id_type, id_number, "idNumber")
    person = person_by_identity(session, identity)
    account = (
        session.exec(
            select(Account).where(
                Account.person_id == person.id,
                Account.kind == "CITIZEN",
                Account.status == ACTIVE,
            )
        ).first()
        if person is not None
        else None
    )
    if person is None or account is None:
        raise RuleError(
            UnitAccountErrorCode.PERSONAL_ACCOUNT_REQUIRED,
            f"No personal app account for {identity.masked}: register one in the app first.",
            field="idNumber",
        )
    return person
