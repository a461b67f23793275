"""Identifiers a person types, other than identity documents: phones, plates, VINs, licence file
numbers, and a generic parser for the reference numbers a plugin defines.

One job: turn what a client sent into the one stored form of the identifier, or refuse it with a
typed error naming the field. Every parser starts with `core.text.fold_identifier` (full-width
forms folded, spaces removed, printable ASCII required, letters upper-cased), so the same
vehicle or phone has one stored string whatever spelling the client used, and no parser ever sees
a non-ASCII digit. Identity numbers and unified social credit codes live in `core.identity`.
The accepted forms are tabled in docs/identifiers.md.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import Code, RuleError
from core.text import ForeignCharacter, describe, fold_identifier, fold_width


def _bounded(value: object, field: str, max_len: int) -> str:
    """`value` if it is a non-empty string of at most `max_len` characters, else INVALID_INPUT.

    An identifier has a fixed layout, so an over-long one is malformed (INVALID_INPUT), not
    text that would be fine if shorter (TOO_LONG, used for free text)."""
    if not isinstance(value, str) or not value:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is required.", field=field)
    if len(value) > max_len:
        raise RuleError(
            Code.INVALID_INPUT, f"`{field}` is longer than any valid value.", field=field
        )
    return value


# --- phones ----------------------------------------------------------------------------------------
_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # MIIT numbering plan: 13x-19x
_COUNTRY_PREFIXES = ("+86", "0086")
_PHONE_SEPARATORS = "-()"


def _phone_digits(value: object, field: str) -> str:
    try:
        text = fold_identifier(_bounded(value, field, 32), drop=_PHONE_SEPARATORS, max_len=32)
    except ForeignCharacter as bad:
        raise RuleError(
            Code.INVALID_INPUT,
            f"`{field}` is not a phone number{bad.detail()}.",
            field=field,
        ) from None
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix) :]
            return rest if _MOBILE.fullmatch(rest) else "0" + rest.removeprefix("0")
    return text


def parse_mobile(value: object, field: str = "phone") -> str:
    """A mainland mobile number, stored as its 11 ASCII digits (`13912345678`).

    Accepted: the 11 digits beginning 13-19, in ASCII or full-width digits, grouped by spaces or
    hyphens, optionally after the country code `+86` or `0086` (`+86 139-1234-5678`).
    Raises INVALID_INPUT naming `field`.
    """
    text = _phone_digits(value, field)
    if not _MOBILE.fullmatch(text):
        raise RuleError(
            Code.INVALID_INPUT,
            f"`{field}` must be an 11-digit mainland mobile number (13x-19x).",
            field=field,
        )
    return text


def parse_phone(
    value: object, field: str = "phone", service_numbers: frozenset[str] = frozenset()
) -> str:
    """A mainland mobile number or a landline with its area code, in one stored form.

    Mobile numbers are stored as 11 digits (see `parse_mobile`). Landlines are stored as
    `area-number`: the area code with its trunk 0 (3 digits for 010 and 020-029, otherwise 4),
    a hyphen, then the 7- or 8-digit local number (`025-84420000`, `0512-6522000`), whatever
    grouping the client used (`(025) 8442 0000`, `02584420000`, `+86 25 8442 0000`).
    `service_numbers` lists short numbers also accepted as typed (e.g. the 12123 hotline).
    Raises INVALID_INPUT naming `field`.
    """
    text = _phone_digits(value, field)
    if text in service_numbers or _MOBILE.fullmatch(text):
        return text
    area_len = 3 if text[:2] in ("01", "02") else 4
    area, local = text[:area_len], text[area_len:]
    if (
        re.fullmatch(r"0[1-9][0-9]{1,2}", area)
        and (area_len == 4 or area == "010" or area[:2] == "02")
        and re.fullmatch(r"[0-9]{7,8}", local)
    ):
        return f"{area}-{local}"
    raise RuleError(
        Code.INVALID_INPUT,
        f"`{field}` must be an 11-digit mobile number or a landline with its area code.",
        field=field,
    )


# --- plates ----------------------------------------------------------------------------------------
PROVINCE_PLATE = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
PROVINCE_ABBREVIATIONS = "".join(PROVINCE_PLATE.values())
PLATE_SUFFIXES = "学警挂港澳领试超"
_PLATE_SEPARATORS = "·•・.-"  # 苏A·12345 as printed; U+30FB and U+2022 are the IME look-alikes
_AUTHORITY = "[A-HJ-Z]"  # 发牌机关代号: no I
_SERIAL = "[0-9A-HJ-NP-Z]"  # no I, O (they read as 1, 0)
_PLATE = re.compile(
    rf"[{PROVINCE_ABBREVIATIONS}]{_AUTHORITY}"
    rf"(?:{_SERIAL}{{5}}"  # ordinary: 苏A12345, 苏AB123C
    rf"|[A-HJK]{_SERIAL}[0-9]{{4}}"  # small new-energy: 苏AD12345 (D/A/B/C/E electric, F/G/H/J/K other)
    rf"|[0-9]{{5}}[DF]"  # large new-energy: 苏A12345D
    rf"|{_SERIAL}{{4}}[{PLATE_SUFFIXES}])"  # coach, police, trailer, HK/Macau, consulate, test, oversize
)


def parse_plate(value: object, field: str = "plate") -> str:
    """A plate number (号牌号码, GA 36-2018), stored as printed without separators: `苏A12345`.

    Accepted layouts: a province abbreviation, the issuing authority's letter (not I), then
    5 characters (ordinary plates), 6 (new-energy plates: a letter A-H/J/K then a letter or
    digit and 4 digits for small vehicles, or 5 digits then D/F for large ones), or 4 and one of
    学 警 挂 港 澳 领 试 超. Serial letters exclude I and O. Folded: full-width forms, lower-case
    letters, spaces and the separators `·` `•` `・` `.` `-`. Not accepted: embassy plates (使),
    emergency plates (应急), military and armed-police plates, which this platform does not
    register. Raises INVALID_INPUT naming `field`.
    """
    text = "".join(
        ch
        for ch in fold_width(_bounded(value, field, 20))
        if ch not in _PLATE_SEPARATORS and unicodedata.category(ch) != "Zs"
    ).strip("\t\r\n")
    for ch in text:
        if not ("!" <= ch <= "~" or ch in PROVINCE_ABBREVIATIONS or ch in PLATE_SUFFIXES):
            raise RuleError(
                Code.INVALID_INPUT,
                f"`{field}` is not a plate number such as 苏A12345 (found {describe(ch)}).",
                field=field,
            )
    plate = text.upper()
    if not _PLATE.fullmatch(plate):
        raise RuleError(
            Code.INVALID_INPUT,
            f"`{field}` is not a plate number such as 苏A12345 or 苏AD12345 (GA 36).",
            field=field,
        )
    return plate


# --- VINs ------------------------------------------------------------------------------------------
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


def parse_vin(value: object, field: str = "vin") -> str:
    """A vehicle identification number (ISO 3779 / GB 16735), stored as 17 upper-case ASCII
    characters.

    Folded: full-width forms, lower-case letters, spaces. Refused: any other length, and the
    letters I, O and Q, which a VIN never contains. The check character (position 9 under
    GB 16735) is not enforced: imported vehicles registered in China keep their maker's VIN,
    and European and Japanese makers do not compute one. Raises INVALID_INPUT naming `field`.
    """
    try:
        text = fold_identifier(_bounded(value, field, 40), max_len=40)
    except ForeignCharacter as bad:
        raise RuleError(
            Code.INVALID_INPUT, f"A VIN has 17 letters or digits{bad.detail()}.", field=field
        ) from None
    if not _VIN.fullmatch(text):
        hint = " (no I, O or Q: write 1 or 0)" if len(text) == 17 else ""
        raise RuleError(Code.INVALID_INPUT, f"A VIN has 17 letters or digits{hint}.", field=field)
    return text


# --- licence file numbers --------------------------------------------------------------------------
_FILE_NUMBER = re.compile(r"[0-9A-Z]{8,20}")


def parse_licence_file_number(value: object, field: str = "fileNumber") -> str:
    """A driving-licence file number (档案编号), stored upper-case without spaces.

    The registry's numbers are 12 digits; licences issued on a military exchange (M07) carry
    `<city>V<12 characters>`. Accepted: 8-20 ASCII letters or digits after folding full-width
    forms, lower case and spaces. Raises INVALID_INPUT naming `field`.
    """
    return parse_reference(
        value, field, _FILE_NUMBER, "A licence file number has 8-20 letters or digits", max_len=40
    )


# --- digests ---------------------------------------------------------------------------------------
_SHA256 = re.compile(r"[0-9a-f]{64}")


def parse_sha256(value: object, field: str) -> str:
    """A SHA-256 digest as 64 lower-case hex digits (upper case, spaces and full-width forms
    folded). Raises INVALID_INPUT naming `field`."""
    try:
        text = fold_identifier(_bounded(value, field, 80), max_len=80).lower()
    except ForeignCharacter as bad:
        raise RuleError(
            Code.INVALID_INPUT, f"Expected a SHA-256 as 64 hex digits{bad.detail()}.", field=field
        ) from None
    if not _SHA256.fullmatch(text):
        raise RuleError(Code.INVALID_INPUT, "Expected a SHA-256 as 64 hex digits.", field=field)
    return text


# --- generic ---------------------------------------------------------------------------------------
def parse_reference(
    value: object,
    field: str,
    pattern: re.Pattern[str],
    message: str,
    *,
    drop: str = "",
    max_len: int = 64,
    code: str = Code.INVALID_INPUT,
) -> str:
    """A plugin's own reference number (invoice, certificate, accident, military licence...):
    folded by `fold_identifier` (dropping `drop`), then required to match `pattern` in full.

    `message` is the refusal's text without a final full stop; the refusal carries `code`
    (default INVALID_INPUT) and names `field`. A missing value or one longer than `max_len` is
    INVALID_INPUT too.
    """
    try:
        text = fold_identifier(_bounded(value, field, max_len), drop=drop, max_len=max_len)
    except ForeignCharacter as bad:
        raise RuleError(code, f"{message}{bad.detail()}.", field=field) from None
    if not pattern.fullmatch(text):
        raise RuleError(code, f"{message}.", field=field)
    return text
