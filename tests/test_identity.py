"""ID numbers, credit codes, masking and ages."""

import datetime as dt

import pytest

from core.errors import RuleError
from core.identity import (
    DocumentType,
    age_on,
    make_credit_code,
    make_id_number,
    mask_id_number,
    parse_credit_code,
    parse_identity,
)


def test_valid_mainland_number_gives_birth_date():
    number = make_id_number("320102", dt.date(1960, 3, 1), 123)
    ident = parse_identity("MAINLAND_ID", number)
    assert ident.birth_date == dt.date(1960, 3, 1)
    assert ident.doc_type is DocumentType.MAINLAND_ID


def test_real_number_with_district_younger_than_holder_is_accepted():
    # 320102 (玄武区) dates from 1983; people born before still carry it on their cards
    assert parse_identity("MAINLAND_ID", make_id_number("320102", dt.date(1950, 1, 1), 7)).number


@pytest.mark.parametrize(
    "number",
    [
        "110101196003011236",  # wrong check character
        "11010119600301123",  # 17 characters
        "110101196013011237",  # month 13
        "990101196003011230",  # unknown province
        "ABCDEFGHIJKLMNOPQR",
        "",
        "1" * 200,
    ],
)
def test_malformed_mainland_numbers_are_refused(number):
    with pytest.raises(RuleError) as err:
        parse_identity("MAINLAND_ID", number)
    assert err.value.code == "INVALID_ID_NUMBER"
    assert err.value.field == "idNumber"


def test_residence_permit_and_passport():
    permit = make_id_number("810000", dt.date(1988, 7, 7), 5)
    assert parse_identity("HMT_RESIDENCE_PERMIT", permit).birth_date == dt.date(1988, 7, 7)
    with pytest.raises(RuleError):
        parse_identity("MAINLAND_ID", permit)  # a permit is not a resident ID
    with pytest.raises(RuleError):
        parse_identity("HMT_RESIDENCE_PERMIT", make_id_number("110101", dt.date(1988, 7, 7), 5))
    assert parse_identity("PASSPORT", "e12345678").number == "E12345678"
    with pytest.raises(RuleError):
        parse_identity("PASSPORT", "E1-2")


def test_unknown_document_type():
    with pytest.raises(RuleError) as err:
        parse_identity("DRIVING_LICENCE", "x")
    assert err.value.field == "idType"
    assert "MAINLAND_ID, HMT_RESIDENCE_PERMIT, PASSPORT" in err.value.message


def test_masking():
    assert mask_id_number("110101196003011237") == "110101********1237"
    assert mask_id_number("E12345678") == "E1*****78"


def test_credit_codes():
    code = make_credit_code(42)
    assert parse_credit_code(code) == code
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(RuleError) as err:
        parse_credit_code(bad)
    assert err.value.code == "INVALID_CREDIT_CODE"


@pytest.mark.parametrize(
    "born,day,age",
    [
        (dt.date(1964, 9, 2), dt.date(2024, 9, 1), 59),
        (dt.date(1964, 9, 2), dt.date(2024, 9, 2), 60),
        (dt.date(1964, 2, 29), dt.date(2024, 2, 28), 59),
        (dt.date(1964, 2, 29), dt.date(2023, 3, 1), 59),
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age


def test_ids_are_unique_well_formed_and_differ_after_fork():
    import os

    from core.ids import _ALPHABET, new_id

    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == 5000
    assert all(len(i) == 16 and set(i) <= set(_ALPHABET) for i in ids)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child draws from a fresh pool, not a copy of its parent's
        os.write(write, new_id().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 16).decode()
    assert child != new_id() and len(child) == 16
