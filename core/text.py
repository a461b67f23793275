"""Which characters a person-typed string may contain, and how look-alike forms are folded.

One job: character-level rules shared by the free-text checks (`core.validation`), the identity
documents (`core.identity`) and the other identifiers (`core.identifiers`).

- `forbidden_char` finds a character that must never reach a clerk's screen or a receipt: any
  control (Unicode category Cc: C0, DEL, C1), any format character (Cf: the bidi embeddings and
  overrides U+202A-U+202E, the isolates U+2066-U+2069, the marks U+200E/U+200F/U+061C, the
  zero-width space, joiners and word joiner U+200B-U+200D/U+2060, the BOM U+FEFF, soft hyphen,
  tag characters), surrogates (Cs), private-use (Co) and unassigned code points (Cn), and the
  line/paragraph separators U+2028/U+2029. Multi-line fields may carry LF and TAB.
- `fold_width` replaces the full-width and half-width forms (Unicode decomposition tags `<wide>`
  and `<narrow>`, UAX #11) by their ordinary characters: what a Chinese input method types in
  full-width mode (`３２０１` → `3201`, `ｘ` → `x`, U+3000 → space). It is the part of NFKC that never
  changes a character's value. The other compatibility mappings of NFKC (superscripts `²`,
  circled `①`, mathematical `𝟐`, fractions, the Kelvin sign) are deliberately not applied to
  identifiers: a number written with them is not what the document shows, and folding would
  silently turn `²` into `2`.
- `fold_identifier` is the common first step of every identifier parser: fold width, drop spaces
  and the given separators, require printable ASCII, upper-case. It raises ForeignCharacter when
  anything else remains, so a parser never meets a non-ASCII digit (`str.isdigit()` accepts `²`
  and `٣`, and `int("٣")` is 3).
"""

from __future__ import annotations

import unicodedata

# Cc control, Cf format (bidi and zero-width), Cs surrogate, Co private use, Cn unassigned
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_LINE_SEPARATORS = frozenset({"\u2028", "\u2029"})  # Zl, Zp: invisible line breaks
_MULTILINE_ALLOWED = frozenset({"\n", "\t"})
MAX_COMBINING_RUN = 4  # more stacked marks than any script needs: "Zalgo" text that overflows lines


def describe(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: how a refused character is named in an error message
    (never the raw character, which could itself reorder the message on a client's screen)."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def forbidden_char(value: str, multiline: bool = False) -> str | None:
    """The first character of `value` that free text must not contain, or None.

    Refused: categories Cc, Cf, Cs, Co, Cn and U+2028/U+2029; LF and TAB only when `multiline`
    (CR is normalised away by the caller); a run of more than MAX_COMBINING_RUN combining marks
    (the first mark beyond the run is returned).
    """
    run = 0
    for ch in value:
        category = unicodedata.category(ch)
        refused = category in FORBIDDEN_CATEGORIES or ch in _LINE_SEPARATORS
        if refused and not (multiline and ch in _MULTILINE_ALLOWED):
            return ch
        if category in ("Mn", "Me"):
            run += 1
            if run > MAX_COMBINING_RUN:
                return ch
        else:
            run = 0
    return None


def _blank(ch: str) -> bool:
    return ch in "\t\r\n" or unicodedata.category(ch) == "Zs"


def strip_blanks(value: str) -> str:
    """`value` without leading and trailing spaces (category Zs), TABs, CRs and LFs.

    Unlike `str.strip()`, it leaves the C0/C1 separators U+001C-U+001F and U+0085 in place, so
    `forbidden_char` refuses them instead of their vanishing silently.
    """
    start, end = 0, len(value)
    while start < end and _blank(value[start]):
        start += 1
    while end > start and _blank(value[end - 1]):
        end -= 1
    return value[start:end]


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    decomposition = unicodedata.decomposition(ch)
    if decomposition.startswith(("<wide>", "<narrow>")):
        return unicodedata.normalize("NFKC", ch)
    return ch


def fold_width(value: str) -> str:
    """Full-width and half-width forms replaced by their ordinary characters; nothing else changes.

    `fold_width("３２０１ｘ")` → `"3201x"`; `fold_width("²")` → `"²"` (a superscript is not a width
    variant). Half-width katakana become ordinary katakana; U+3000 becomes a space.
    """
    if value.isascii():
        return value
    return "".join(_fold_char(ch) for ch in value)


class ForeignCharacter(ValueError):
    """An identifier held a character outside its alphabet; `char` names it (None: not a string
    or too long)."""

    def __init__(self, char: str | None) -> None:
        super().__init__(describe(char) if char else "not a string of the allowed length")
        self.char = char

    def detail(self) -> str:
        """` (found U+00B2 SUPERSCRIPT TWO)`, or "" when no single character is at fault."""
        return f" (found {describe(self.char)})" if self.char else ""


def fold_identifier(value: object, drop: str = "", max_len: int = 64) -> str:
    """The compact upper-case ASCII form of a typed identifier.

    Steps: refuse non-strings and anything longer than `max_len` before work; fold width;
    remove spaces (every Unicode space separator, category Zs: grouping blanks, no-break spaces,
    the ideographic space) and the characters in `drop` (e.g. "-" for phones); strip TAB/CR/LF at
    either end (a pasted line); then every remaining character must be printable ASCII
    (U+0021-U+007E), and ASCII letters are upper-cased. Upper-casing happens only after the ASCII
    check, because `"ı".upper()` is `"I"` and `"ſ".upper()` is `"S"`.

    Raises ForeignCharacter naming the first character that is not printable ASCII.
    """
    if not isinstance(value, str) or len(value) > max_len:
        raise ForeignCharacter(None)
    text = "".join(
        ch for ch in fold_width(value) if ch not in drop and unicodedata.category(ch) != "Zs"
    )
    kept = text.strip("\t\r\n")
    for ch in kept:
        if not "!" <= ch <= "~":
            raise ForeignCharacter(ch)
    return kept.upper()
