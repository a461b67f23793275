"""M05 input in look-alike forms (issue 12, item 4): HH:MM times are ASCII digits after full-width
forms are folded; other scripts' digits and superscripts are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleError
from core.testing import full_width

from .. import rules


def test_full_width_time_is_the_same_time() -> None:
    assert rules.parse_time(full_width("19:30"), "start") == 19 * 60 + 30


@pytest.mark.parametrize("bad", ["١٩:30", "19:3⁰", "19:30\u200b", "19:30\x85"])
def test_look_alike_digits_are_refused(bad: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.parse_time(bad, "start")
    assert err.value.field == "start"


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=[]), max_size=12))
def test_parser_is_total(text: str) -> None:
    try:
        minute = rules.parse_time(text, "end")
    except RuleError:
        return
    assert 0 <= minute <= 24 * 60
