"""M07 input in look-alike forms (issue 12, item 4): military licence numbers are stored upper
case without spaces, full-width forms folded; other look-alike characters are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleError
from core.testing import full_width

from ..service import parse_number


@pytest.mark.parametrize(
    "typed", ["JA12345678", "ja12345678", "JA 1234 5678", full_width("ja12345678")]
)
def test_one_stored_form(typed: str) -> None:
    assert parse_number(typed) == "JA12345678"


@pytest.mark.parametrize("bad", ["JA1234567⁸", "JA12345\u200b678", "ЈA12345678", "JA12345678\x85"])
def test_look_alikes_refused(bad: str) -> None:  # ЈA: a Cyrillic Je
    with pytest.raises(RuleError) as err:
        parse_number(bad)
    assert err.value.code == "INVALID_INPUT" and err.value.field == "militaryNumber"


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=[]), max_size=30))
def test_parser_is_total(text: str) -> None:
    try:
        value = parse_number(text)
    except RuleError as err:
        assert err.code == "INVALID_INPUT"
        return
    assert value.isascii() and parse_number(value) == value
