"""M12 input in look-alike forms (issue 12, item 4): accident numbers, access codes, phones and
party names as clients type them; spellings never split the guessing lock."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from core.errors import RuleError
from core.testing import full_width
from core.testing_db import row_count

from .. import rules
from ..models import AccidentCase, EvidenceRequester
from .helpers import (
    FOLDER,
    PLUGINS,
    party,
    party_id_by_name,
    ready_case,
    register_case,
    register_requester,
)

NOW = "2021-07-01"
NUMBER = "3201002021000001"


def test_spellings_of_the_accident_number_share_one_guessing_lock(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = ready_case(env, NUMBER)
    spellings = [full_width(NUMBER), " ".join([NUMBER[:6], NUMBER[6:]]), NUMBER + "\n", NUMBER]
    with env.session() as s:
        f = env.factory(s)
        guessers = [f.citizen(f"猜{i}", city="320100")[1] for i in range(4)]
        s.commit()
    for account, spelling in zip(guessers, spellings, strict=True):
        for i in range(5):
            body = env.gql(FOLDER, {"n": spelling, "c": f"ZZZZZZ{i}{i}"}, as_=account)
            assert body["errors"][0]["extensions"]["code"] == "EVIDENCE_ACCESS_DENIED"
    zhang = env.refs["zhang"]
    voucher = register_requester(env, case["number"], party_id_by_name(case, zhang), zhang)[
        "voucher"
    ]
    body = env.gql(FOLDER, {"n": NUMBER, "c": voucher["accessCode"]}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_voucher_code_and_phone_in_any_spelling(make_env):
    env = make_env(PLUGINS, now=NOW)
    case = ready_case(env, NUMBER)
    zhang = env.refs["zhang"]
    out = register_requester(
        env,
        full_width(NUMBER),
        party_id_by_name(case, zhang),
        zhang,
        phone="＋８６ １３９-００００-０００１",
    )
    assert out["errors"] == [] and out["voucher"]["accidentNumber"] == NUMBER
    with env.session() as s:
        assert s.exec(select(EvidenceRequester.phone)).one() == "13900000001"
    code = out["voucher"]["accessCode"]
    folder = env.data(
        FOLDER, {"n": NUMBER.lower(), "c": full_width(code.lower())}, as_="zhang_account"
    )
    assert folder["accidentEvidenceFolder"]["accidentNumber"] == NUMBER


def test_look_alikes_are_typed_refusals(make_env):
    env = make_env(PLUGINS, now=NOW)
    zhang, elder = env.refs["zhang"], env.refs["elder"]
    named = {**party(zhang), "name": "张\u202e三"}
    out = register_case(env, NUMBER, parties=[named, party(elder)])
    assert [(e["code"], e["field"]) for e in out["errors"]] == [
        ("INVALID_INPUT", "parties[0].name")
    ]
    out = register_case(env, NUMBER[:-1] + "¹")
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("INVALID_INPUT", "accidentNumber")]
    assert row_count(env, AccidentCase) == 0
    case = ready_case(env, NUMBER)
    out = register_requester(env, NUMBER, party_id_by_name(case, zhang), zhang, phone="¹³⁹00000001")
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("EVIDENCE_INVALID_PHONE", "phone")]


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(exclude_categories=[]), max_size=40))
def test_parsers_are_total(text: str) -> None:
    for parse in (rules.parse_accident_number, rules.parse_access_code, rules.parse_phone):
        try:
            value = parse(text)
        except RuleError as err:
            assert err.field and err.code in ("INVALID_INPUT", "EVIDENCE_INVALID_PHONE")
            continue
        assert value.isascii() and parse(value) == value


@pytest.mark.parametrize(
    "bad", ["3201002021²00001", "32010\u200b02021000001", "3201002021000001\x85"]
)
def test_accident_number_refusals(bad: str) -> None:
    with pytest.raises(RuleError) as err:
        rules.parse_accident_number(bad)
    assert err.value.code == "INVALID_INPUT" and err.value.field == "accidentNumber"
