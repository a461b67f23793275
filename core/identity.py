"""Identity documents: validation of ID numbers, derived birth dates, masking.

Mainland resident identity cards (居民身份证, GB 11643: 18 characters, the last an ISO 7064
MOD 11-2 check character) are checked for layout, a real birth date, a known province prefix and the check
character (computed with python-stdnum). We do not use stdnum's full `validate`: it also requires
the county code to have existed in the birth year, which refuses real numbers of people born
before their district was created (anyone born in 1960 in Nanjing's 玄武区, code 320102 from 1983),
exactly the elderly that measure M06 serves. Residence permits for Hong Kong, Macau and Taiwan residents (港澳台居民居住证)
use the same layout with region prefixes 810000 / 820000 / 830000. Passports are 5 to 17 letters
or digits. Unified social credit codes (统一社会信用代码, GB 32100) are checked with python-stdnum.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError  # noqa: F401  (re-exported for callers)

from core.errors import Code, RuleError
from core.text import ForeignCharacter, fold_identifier

PERMIT_PREFIXES = {"810000": "Hong Kong", "820000": "Macau", "830000": "Taiwan"}
_PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    ]
)
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")
_EIGHTEEN = re.compile(r"[0-9]{17}[0-9X]")  # [0-9], never \d: \d matches every script's digits


class DocumentType(enum.Enum):
    """Identity document types (身份证明类型)."""

    MAINLAND_ID = "MAINLAND_ID"  # 居民身份证
    HMT_RESIDENCE_PERMIT = "HMT_RESIDENCE_PERMIT"  # 港澳台居民居住证
    PASSPORT = "PASSPORT"  # 护照 (foreigners, overseas Chinese)


@dataclass(frozen=True)
class IdentityNumber:
    """A validated identity document number."""

    doc_type: DocumentType
    number: str
    birth_date: dt.date | None

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def _check_char(number17: str) -> str:
    return ric.calc_check_digit(number17 + "0")


def parse_identity(
    doc_type: DocumentType | str,
    number: str,
    field: str = "idNumber",
    *,
    today: dt.date | None = None,
) -> IdentityNumber:
    """Validate an ID number of the given document type and return its one stored form.

    Accepted spellings (folded by `core.text.fold_identifier`): ASCII digits and `X` or `x`, their
    full-width forms (`３２０１…`, `ｘ`, typed by an input method in full-width mode: the same
    characters in another width, so they are the same number), and spaces anywhere. The stored
    form is 18 ASCII characters with an upper-case `X`, so `…１７４ｘ`, `… 174x` and `…174X` are one
    person. Refused with INVALID_ID_NUMBER: every other character, in particular the compatibility
    digits that NFKC would turn into ASCII digits (superscript `²`, circled `②`, mathematical `𝟐`)
    and other scripts' digits (`٢`): GB 11643 numbers are ASCII digits with the check character
    `X`, and a `²` typed into one is an error to report, never a 2 to guess. First-generation
    15-digit numbers are refused (those cards ceased to be valid on 2013-01-01).

    Layout: GB 11643-1999 (6-digit region, birth date YYYYMMDD, 3-digit sequence, ISO 7064
    MOD 11-2 check character); residence permits of Hong Kong, Macau and Taiwan residents use the
    same layout with region 810000 / 820000 / 830000; passports are 5-17 ASCII letters or digits.
    Raises INVALID_INPUT (field `idType`) for an unknown document type. With `today` (the
    platform clock's date), a birth date after it is refused too: callers that register or look
    up a living person pass it.
    """
    doc_type = _document_type(doc_type)
    try:
        compact = fold_identifier(number, max_len=40)
    except ForeignCharacter as bad:
        allowed = "digits and X" if doc_type is not DocumentType.PASSPORT else "letters and digits"
        raise RuleError(
            Code.INVALID_ID_NUMBER,
            f"An identity number has only {allowed}{bad.detail()}.",
            field=field,
        ) from None
    if doc_type is DocumentType.MAINLAND_ID:
        if compact[:6] in PERMIT_PREFIXES:
            raise RuleError(
                Code.INVALID_ID_NUMBER,
                "This is a residence-permit number; choose HMT_RESIDENCE_PERMIT.",
                field=field,
            )
        birth = _birth_date(compact)
        if (
            birth is None
            or compact[:2] not in _PROVINCE_PREFIXES
            or _check_char(compact[:17]) != compact[17]
        ):
            raise RuleError(
                Code.INVALID_ID_NUMBER,
                "Not a valid resident identity number (length, birth date, region or check character).",
                field=field,
            )
        return _born_by(IdentityNumber(doc_type, compact, birth), today, field)
    if doc_type is DocumentType.HMT_RESIDENCE_PERMIT:
        birth = _birth_date(compact) if compact[:6] in PERMIT_PREFIXES else None
        if birth is None or _check_char(compact[:17]) != compact[17]:
            raise RuleError(
                Code.INVALID_ID_NUMBER,
                "Not a valid Hong Kong / Macau / Taiwan residence-permit number.",
                field=field,
            )
        return _born_by(IdentityNumber(doc_type, compact, birth), today, field)
    if not _PASSPORT.fullmatch(compact):
        raise RuleError(
            Code.INVALID_ID_NUMBER, "Passport numbers are 5-17 letters or digits.", field=field
        )
    return IdentityNumber(doc_type, compact, None)


def _born_by(identity: IdentityNumber, today: dt.date | None, field: str) -> IdentityNumber:
    """`identity`, or INVALID_ID_NUMBER when its birth date is after `today`."""
    if today is not None and identity.birth_date is not None and identity.birth_date > today:
        raise RuleError(
            Code.INVALID_ID_NUMBER,
            "The birth date in this identity number is in the future.",
            field=field,
        )
    return identity


def _document_type(doc_type: DocumentType | str) -> DocumentType:
    """The document type named by the client (`mainland_id` and full-width forms accepted)."""
    if isinstance(doc_type, DocumentType):
        return doc_type
    try:
        return DocumentType(fold_identifier(doc_type, max_len=24))
    except ValueError:  # ForeignCharacter is a ValueError too
        known = ", ".join(t.value for t in DocumentType)
        raise RuleError(
            Code.INVALID_INPUT, f"Unknown document type; one of {known}.", field="idType"
        ) from None


def _birth_date(number: str) -> dt.date | None:
    """The birth date in an 18-character number, or None when the layout or date is wrong."""
    if not _EIGHTEEN.fullmatch(number):
        return None
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def mask_id_number(number: str | None) -> str | None:
    """`110101********1234` for 18 characters; for shorter numbers, keep the first 2 and last 2."""
    if number is None:
        return None
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in full years on `day` (a person born on 29 February ages on 1 March in common years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def parse_credit_code(code: str, field: str = "creditCode") -> str:
    """Validate a unified social credit code and return its stored form (18 upper-case ASCII
    characters).

    GB 32100-2015: 2-character registration authority and type, 6-digit region, 9-character
    organisation code, check character; the alphabet is the digits and the capital letters
    without I, O, S, V and Z. Spaces and hyphens may group it; full-width forms and lower-case
    letters are folded. Raises INVALID_CREDIT_CODE.
    """
    try:
        compact = fold_identifier(code, drop="-", max_len=40)
        return uscc.validate(compact)
    except ForeignCharacter as bad:
        raise RuleError(
            Code.INVALID_CREDIT_CODE,
            f"A credit code has only digits and capital letters{bad.detail()}.",
            field=field,
        ) from None
    except ValidationError:
        raise RuleError(
            Code.INVALID_CREDIT_CODE, "Not a valid unified social credit code.", field=field
        ) from None


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-character number (test and demo data only): region, birth date, 3-digit
    sequence (odd = male), check character."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + _check_char(body)


def make_credit_code(seed: int) -> str:
    """Build a valid unified social credit code (test and demo data only)."""
    body = f"91{110000 + (seed % 800000):06d}{seed % 100000000:08d}"[:16] + "X"
    return body + uscc.calc_check_digit(body)
