"""M19 input in look-alike forms (issue 12, item 4): an outlet's phone is stored in one form,
free text refuses invisible characters, and a proposed location reads ASCII digits only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from core.errors import RuleError
from core.testing import full_width
from core.testing_db import row_count

from .. import rules
from ..models import GuidanceOutlet
from ..rules import CorrectionField
from .helpers import MAIN, NOW, PLUGINS, save


def test_outlet_phone_and_text_in_one_stored_form(make_env):
    env = make_env(PLUGINS, now=NOW)
    out = save(
        env, {**MAIN, "phone": full_width("(025) 8442-0000"), "hours": "周一至周五\r\n9:00-17:00"}
    )
    assert out["errors"] == [], out
    with env.session() as s:
        row = s.exec(select(GuidanceOutlet)).one()
        assert (row.phone, row.hours) == ("025-84420000", "周一至周五\n9:00-17:00")


def test_look_alikes_are_typed_refusals(make_env):
    env = make_env(PLUGINS, now=NOW)
    for field, value in [
        ("phone", "¹²¹²³"),
        ("name", "南京市车辆\u202e管理所"),
        ("address", "南京市玄武区\n红山路10号"),  # a single-line field
        ("windowGuide", "一楼\u2066大厅\u2069"),
    ]:
        out = save(env, {**MAIN, field: value})
        assert [(e["code"], e["field"]) for e in out["errors"]] == [("INVALID_INPUT", field)], field
    assert row_count(env, GuidanceOutlet) == 0


def test_proposed_location_reads_ascii_digits_only():
    assert rules.parse_correction(CorrectionField.LOCATION, full_width("32.1,118.8")) == (
        32.1,
        118.8,
    )
    for bad in ("٣٢.١,118.8", "32.1,118.⁸"):
        try:
            rules.parse_correction(CorrectionField.LOCATION, bad)
        except RuleError as err:
            assert err.code == "GUIDANCE_INVALID_LOCATION"
        else:
            raise AssertionError(bad)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(exclude_categories=[]), max_size=30),
    kind=st.sampled_from(CorrectionField),
)
def test_correction_parser_is_total(text: str, kind: CorrectionField) -> None:
    try:
        rules.parse_correction(kind, text)
    except RuleError as err:
        assert err.field == "proposed"
