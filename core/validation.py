"""Input checks shared by every operation: each refusal names the field.

Free text (`require_text`, `optional_text`) and person names (`require_person_name`) refuse the
characters of `core.text.forbidden_char` (controls, bidi and zero-width format characters,
surrogates, private-use and unassigned code points) with INVALID_INPUT, so nothing invisible or
direction-changing reaches a clerk's screen, a receipt or a signed document. Identifiers have
their own parsers in `core.identity` and `core.identifiers`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from core.errors import Code, RuleError
from core.text import describe, forbidden_char, strip_blanks


def require_text(
    field: str, value: str | None, max_len: int, min_len: int = 1, multiline: bool = False
) -> str:
    """Non-empty text of at most `max_len` characters, stripped and NFC-normalised.

    Refused with INVALID_INPUT naming `field`: a missing or blank value ("is required"), one
    shorter than `min_len` ("must be at least N characters"), and any character that
    `core.text.forbidden_char` names (LF and TAB are allowed only when `multiline`; CR LF and a
    lone CR become LF there). TOO_LONG when longer than `max_len`. NFC (canonical composition)
    changes no visible character; free text is not NFKC-folded, because that would rewrite the
    full-width punctuation of Chinese prose (`，` → `,`).
    """
    given = strip_blanks(value) if isinstance(value, str) else ""
    if not given:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is required.", field=field)
    if len(given) < min_len:
        raise RuleError(
            Code.INVALID_INPUT, f"`{field}` must be at least {min_len} characters.", field=field
        )
    if len(value) > max_len:
        raise RuleError(
            Code.TOO_LONG, f"`{field}` is longer than {max_len} characters.", field=field
        )
    text = given
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = forbidden_char(text, multiline)
    if bad is not None:
        raise RuleError(
            Code.INVALID_INPUT,
            f"`{field}` contains a control, invisible or direction-changing character "
            f"({describe(bad)}).",
            field=field,
        )
    return unicodedata.normalize("NFC", text)


def optional_text(
    field: str, value: str | None, max_len: int, multiline: bool = False
) -> str | None:
    """None for a missing or blank value, else `require_text`."""
    if value is None or (isinstance(value, str) and not strip_blanks(value)):
        return None
    return require_text(field, value, max_len, multiline=multiline)


def require_secret(field: str, value: str | None, max_len: int) -> str:
    """A password or client secret, returned exactly as given (a secret compares byte for byte,
    so it is neither stripped nor normalised, and may hold any character a person can type).

    Refused with INVALID_INPUT naming `field`: a missing or empty value, C0 controls (as before)
    and surrogates, which cannot be encoded for hashing. TOO_LONG when longer than `max_len`.
    """
    if not isinstance(value, str) or not value:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is required.", field=field)
    if len(value) > max_len:
        raise RuleError(
            Code.TOO_LONG, f"`{field}` is longer than {max_len} characters.", field=field
        )
    if any(ord(ch) < 32 or unicodedata.category(ch) == "Cs" for ch in value):
        raise RuleError(Code.INVALID_INPUT, f"`{field}` contains a control character.", field=field)
    return value


# --- person names --------------------------------------------------------------------------------
MIDDLE_DOT = "\u00b7"  # · the separator of transliterated names (阿依古丽·买买提) on ID cards
_DOT_LOOKALIKES = str.maketrans(dict.fromkeys("\u30fb\u2022\u2027\u22c5\u2219\u2e31", MIDDLE_DOT))
_LATIN_PUNCTUATION = "-'."


def _is_han(ch: str) -> bool:
    return ch == "〇" or unicodedata.name(ch, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
    )


def _is_latin(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and unicodedata.name(ch, "").startswith(
        "LATIN "
    )


def require_person_name(field: str, value: str | None, max_len: int = 64) -> str:
    """A person's name as on their identity document, in one stored form.

    Repertoire: Chinese characters (every CJK unified ideograph block, and 〇), Latin letters
    with or without diacritics (foreigners' names as in their passport), the middle dot `·`
    between name parts, and, in Latin names, spaces, hyphens, apostrophes and full stops
    (`MARY-JANE O'NEIL`, `J. SMITH`). The name starts with a letter; separators do not repeat.
    Stored form: NFKC (full-width letters → ASCII, compatibility ideographs → unified ones), the
    look-alike dots `・` `•` `‧` `⋅` `∙` `⸱` → `·`, blanks collapsed to one space and kept only
    between two Latin words (`张 伟` → `张伟`, `阿依古丽 · 买买提` → `阿依古丽·买买提`).
    Letter case is kept. Raises INVALID_INPUT (forbidden or other characters) or TOO_LONG,
    naming `field`.
    """
    text = unicodedata.normalize("NFKC", require_text(field, value, max_len))
    text = text.translate(_DOT_LOOKALIKES)
    kinds: list[str] = []  # per character: H(an), L(atin), M(ark), S(pace), P(unctuation)
    for ch in text:
        if _is_han(ch):
            kinds.append("H")
        elif _is_latin(ch):
            kinds.append("L")
        elif unicodedata.category(ch) == "Mn" and kinds and kinds[-1] in "LM":
            kinds.append("M")
        elif unicodedata.category(ch) == "Zs":
            kinds.append("S")
        elif ch == MIDDLE_DOT or ch in _LATIN_PUNCTUATION:
            kinds.append("P")
        else:
            raise RuleError(
                Code.INVALID_INPUT,
                f"`{field}` may hold Chinese characters, Latin letters and the separators "
                f"· - ' . (found {describe(ch)}).",
                field=field,
            )
    out: list[str] = []
    shape: list[str] = []  # the kinds of `out`, marks counted as letters
    pending_space = False
    for ch, kind in zip(text, kinds, strict=True):
        if kind == "S":
            pending_space = bool(out)
            continue
        # a blank survives only between two Latin words (or after an abbreviation's full stop)
        if pending_space and kind == "L" and (shape[-1] == "L" or out[-1] == "."):
            out.append(" ")
            shape.append("S")
        pending_space = False
        out.append(ch)
        shape.append("L" if kind == "M" else kind)
    name = "".join(out)
    doubled = any(a == "P" and b == "P" for a, b in zip(shape, shape[1:], strict=False))
    if not shape or shape[0] == "P" or doubled or (shape[-1] == "P" and name[-1] != "."):
        raise RuleError(
            Code.INVALID_INPUT,
            f"`{field}` must start with a letter and separate its parts by single separators.",
            field=field,
        )
    if len(name) > max_len:
        raise RuleError(
            Code.TOO_LONG, f"`{field}` is longer than {max_len} characters.", field=field
        )
    return name


def name_key(name: str) -> str:
    """The key two spellings of one person's name compare by: NFKC, look-alike dots as `·`,
    no blanks, case-folded (`张 伟` → `张伟`, `John Smith` → `johnsmith`). Never raises, so it
    also keys names stored before `require_person_name` existed."""
    text = unicodedata.normalize("NFKC", name).translate(_DOT_LOOKALIKES)
    return "".join(text.split()).casefold()


# --- other checks --------------------------------------------------------------------------------
def require_date_order(start_field: str, start: dt.date, end_field: str, end: dt.date) -> None:
    if end < start:
        raise RuleError(
            Code.INVALID_DATE, f"`{end_field}` is before `{start_field}`.", field=end_field
        )


def require_range(field: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise RuleError(
            Code.INVALID_INPUT, f"`{field}` must be between {low} and {high}.", field=field
        )
    return value
