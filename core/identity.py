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
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


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
    doc_type: DocumentType | str, number: str, field: str = "idNumber"
) -> IdentityNumber:
    """Validate an ID number of the given document type; refuse with INVALID_ID_NUMBER otherwise."""
    if isinstance(doc_type, str):
        try:
            doc_type = DocumentType(doc_type)
        except ValueError:
            raise RuleError(Code.INVALID_INPUT, "Unknown document type.", field="idType") from None
    if not isinstance(number, str) or len(number) > 40:
        raise RuleError(Code.INVALID_ID_NUMBER, "Identity number is malformed.", field=field)
    compact = number.strip().upper().replace(" ", "")
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
        return IdentityNumber(doc_type, compact, birth)
    if doc_type is DocumentType.HMT_RESIDENCE_PERMIT:
        birth = _birth_date(compact) if compact[:6] in PERMIT_PREFIXES else None
        if birth is None or _check_char(compact[:17]) != compact[17]:
            raise RuleError(
                Code.INVALID_ID_NUMBER,
                "Not a valid Hong Kong / Macau / Taiwan residence-permit number.",
                field=field,
            )
        return IdentityNumber(doc_type, compact, birth)
    if not _PASSPORT.match(compact):
        raise RuleError(
            Code.INVALID_ID_NUMBER, "Passport numbers are 5-17 letters or digits.", field=field
        )
    return IdentityNumber(doc_type, compact, None)


def _birth_date(number: str) -> dt.date | None:
    """The birth date in an 18-character number, or None when the layout or date is wrong."""
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
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
    """Validate a unified social credit code (18 characters, GB 32100 check character)."""
    if not isinstance(code, str) or len(code) > 40:
        raise RuleError(Code.INVALID_CREDIT_CODE, "Credit code is malformed.", field=field)
    try:
        return uscc.validate(code.strip().upper())
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
