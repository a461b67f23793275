"""M06 input in look-alike forms (issue 12, item 4): the elder's ID number and name as a relative
types them, and the references of the liveness check and the uploaded document."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import RuleError
from core.testing import full_width
from core.testing_db import row_count

from .. import rules
from ..models import ElderProxyAuthorisation
from .helpers import PLUGINS, SHA, applied, apply, make_elder

BIRTH = dt.date(1961, 7, 10)


def test_elder_typed_in_full_width_with_spaces_is_the_same_elder(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH, name="阿依古丽·买买提")
    number = elder["person"].id_number
    app = applied(
        env,
        elder,
        elderIdNumber=full_width(" ".join([number[:6], number[6:]])),
        elderName="阿依古丽 ・ 买买提",  # the katakana middle dot an IME offers
        idDocumentSha256=full_width(SHA.upper()),
    )
    assert app["status"] == "SUBMITTED" and app["idDocumentSha256"] == SHA


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("elderName", "赵\u202e桂兰", "INVALID_INPUT"),
        ("elderName", "赵\u200d桂兰", "INVALID_INPUT"),
        ("elderIdNumber", "²", "INVALID_ID_NUMBER"),
        ("livenessCheckRef", "face-2021０７10", "INVALID_INPUT"),
        ("livenessCheckRef", "face-20210710\n-1", "INVALID_INPUT"),
        ("idDocumentSha256", "cd" * 31 + "c²", "INVALID_INPUT"),
    ],
)
def test_look_alikes_are_typed_refusals(make_env, field: str, value: str, code: str) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    elder = make_elder(env, BIRTH)
    if field == "elderIdNumber":
        number = elder["person"].id_number
        value = number[:16] + value + number[17]
    out = apply(env, elder, **{field: value})
    assert [(e["code"], e["field"]) for e in out["errors"]] == [(code, field)]
    assert row_count(env, ElderProxyAuthorisation) == 0


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=[]), max_size=70))
def test_reference_parsers_are_total(text: str) -> None:
    for parse in (rules.liveness_ref, rules.document_hash):
        try:
            value = parse(text)
        except RuleError as err:
            assert err.code == "INVALID_INPUT" and err.field
            continue
        assert value.isascii() and parse(value) == value
