"""Find stored identifiers that are not in their one stored form (read-only).

Before the normalisation layer (core/text.py, core/identifiers.py), an ID number typed with
other scripts' digits (`3201021986051745٢1`) or full-width digits in the sequence part passed
`str.isdigit()` and the checksum (`int()` reads those digits) and was stored as typed, so the
same person could exist twice under two spellings. This module scans the core tables, parses
each stored identifier with today's parser, and reports every row whose value differs from its
stored form, cannot be parsed at all, or collides with another row once normalised. Run it with
`python -m core.cli identifiers-check` before and after deploying; it never writes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlmodel import Session, select

from core.accounts import PartnerOrg, Person, Unit
from core.errors import RuleError
from core.identifiers import parse_licence_file_number, parse_plate, parse_vin
from core.identity import mask_id_number, parse_credit_code, parse_identity
from core.registries.licences import DrivingLicence
from core.registries.vehicles import Vehicle


@dataclass(frozen=True)
class Finding:
    """One stored identifier not in its stored form.

    `problem` is NOT_CANONICAL (it parses, to `canonical`), LOOK_ALIKE (today's parser refuses
    it, but read with its look-alike digits as ASCII digits it is `canonical`), UNPARSEABLE
    (refused either way) or DUPLICATE (another row, `other_id`, holds the same identifier
    spelled differently). `shown` is the stored
    value as it may be printed: ID numbers masked, other characters escaped.
    """

    table: str
    column: str
    row_id: str
    problem: str
    shown: str
    canonical: str | None = None
    other_id: str | None = None


def _read_digits(value: str) -> str:
    """`value` with every compatibility form folded (NFKC: `²` → 2) and every script's decimal
    digit read as its ASCII digit (`٢` → 2): the number a look-alike spelling stands for, which
    a clerk confirms before any correction."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
        for ch in text
    )


def _shown(value: str, secret: bool) -> str:
    text = mask_id_number(value) if secret else value
    return text.encode("unicode_escape").decode("ascii") if not text.isascii() else text


def _scan(
    table: str,
    column: str,
    rows: Iterator[tuple[str, str, str]],
    parse: Callable[[str, str], str],
    secret: bool = False,
) -> list[Finding]:
    """`rows` gives (row id, group, stored value); values collide only within one group, and only
    two different spellings are a DUPLICATE (equal stored values are the column's own business:
    unique columns cannot hold them, and a plate may return to the register)."""
    found: list[Finding] = []
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for row_id, group, value in rows:
        problem = "NOT_CANONICAL"
        try:
            canonical = parse(group, value)
        except RuleError:
            try:
                canonical, problem = parse(group, _read_digits(value)), "LOOK_ALIKE"
            except RuleError:
                found.append(Finding(table, column, row_id, "UNPARSEABLE", _shown(value, secret)))
                continue
        if canonical != value:
            shown_canonical = _shown(canonical, secret)
            found.append(
                Finding(table, column, row_id, problem, _shown(value, secret), shown_canonical)
            )
        other, spelled = seen.setdefault((group, canonical), (row_id, value))
        if spelled != value:
            shown = _shown(canonical, secret)
            found.append(Finding(table, column, row_id, "DUPLICATE", shown, shown, other))
    return found


def non_canonical(session: Session) -> list[Finding]:
    """Every finding in persons, units, partner organisations, vehicles and licences."""
    persons = session.exec(select(Person.id, Person.id_type, Person.id_number)).all()
    units = session.exec(select(Unit.id, Unit.credit_code)).all()
    orgs = session.exec(select(PartnerOrg.id, PartnerOrg.credit_code)).all()
    vehicles = session.exec(select(Vehicle.id, Vehicle.vin, Vehicle.plate)).all()
    licences = session.exec(select(DrivingLicence.id, DrivingLicence.file_number)).all()
    return [
        *_scan(
            "persons",
            "id_number",
            ((i, t, n) for i, t, n in persons),
            lambda t, n: parse_identity(t, n).number,
            secret=True,
        ),
        *_scan(
            "units",
            "credit_code",
            ((i, "", c) for i, c in units),
            lambda _, c: parse_credit_code(c),
        ),
        *_scan(
            "partner_orgs",
            "credit_code",
            ((i, "", c) for i, c in orgs if c),
            lambda _, c: parse_credit_code(c),
        ),
        *_scan("vehicles", "vin", ((i, "", v) for i, v, _ in vehicles), lambda _, v: parse_vin(v)),
        *_scan(
            "vehicles",
            "plate",
            ((i, "", p) for i, _, p in vehicles if p),
            lambda _, p: parse_plate(p),
        ),
        *_scan(
            "driving_licences",
            "file_number",
            ((i, "", f) for i, f in licences),
            lambda _, f: parse_licence_file_number(f),
        ),
    ]
