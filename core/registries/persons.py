"""Finding a registered person by an identity document.

Measures look up the other people a case names (a buyer at the window, an elder, an agent, a
co-owner, a party to an accident) by the document they present. The number is parsed first
(`core.identity.parse_identity`); this module only reads the person with that document.
"""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import Person
from core.identity import IdentityNumber


def person_by_identity(session: Session, identity: IdentityNumber) -> Person | None:
    """The registered person holding this parsed document (type and number), or None.

    Whether None is NOT_FOUND, a rule refusal or simply "not registered yet" is the caller's
    decision, as is any check of the name."""
    return session.exec(
        select(Person).where(
            Person.id_type == identity.doc_type.value, Person.id_number == identity.number
        )
    ).first()
