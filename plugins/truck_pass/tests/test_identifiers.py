"""M04 input in look-alike forms (issue 12, item 4): restriction windows are ASCII digits after
full-width forms are folded; other scripts' digits and superscripts are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleError
from core.testing import full_width

from .. import rules


def test_full_width_window_is_the_same_window() -> None:
    assert rules.parse_window(full_width("07:00-09:00")) == rules.parse_window("07:00-09:00")


@pytest.mark.parametrize(
    "bad", ["٠٧:00-09:00", "07:00-09:0⁰", "07:00-09:00\x85", "07:00\u200b-09:00"]
)
def test_look_alike_digits_are_refused(bad: str) -> None:
    # `\d` matched every script's digits and `str.strip` a trailing C1 control; [0-9] and fullmatch do not
    with pytest.raises(RuleError) as err:
        rules.parse_window(bad)
    assert err.value.field == "restrictedWindows"


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=[]), max_size=20))
def test_parser_is_total(text: str) -> None:
    try:
        start, end = rules.parse_window(text)
    except RuleError:
        return
    assert 0 <= start < 24 * 60 and 0 <= end <= 24 * 60
