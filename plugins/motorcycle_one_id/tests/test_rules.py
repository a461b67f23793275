"""Pure tests of M14's rules (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import RuleError

from .. import rules
from ..rules import ApplicantCategory, Business, LocalPolicy

CITIES = st.sampled_from(["320100", "320500", "310100", "110100", None])
MOTOS = st.sampled_from(["MOTORCYCLE_2W", "MOTORCYCLE_3W", "MOTORCYCLE_LIGHT"])


@given(st.sampled_from(list(Business)), MOTOS, CITIES, st.sampled_from(["320100", "310100"]))
def test_mainland_residents_never_need_a_residence_proof_without_local_policy(b, cat, home, city):
    d = rules.required_documents(b, cat, ApplicantCategory.MAINLAND_RESIDENT, home, city, None)
    assert d.codes == {"RESIDENT_ID"}
    assert not d.residence_proof_required


@given(st.sampled_from(list(Business)), MOTOS, CITIES)
def test_hmt_permit_holders_need_only_the_permit(b, cat, home):
    d = rules.required_documents(b, cat, ApplicantCategory.HMT_WITH_PERMIT, home, "320100", None)
    assert d.codes == {"HMT_RESIDENCE_PERMIT"}


@pytest.mark.parametrize(
    "who",
    [
        ApplicantCategory.HMT_WITHOUT_PERMIT,
        ApplicantCategory.OVERSEAS_CHINESE,
        ApplicantCategory.FOREIGNER,
    ],
)
def test_others_keep_the_old_proofs(who):
    d = rules.required_documents(Business.REGISTRATION, "MOTORCYCLE_2W", who, None, "320100", None)
    assert "ACCOMMODATION_REGISTRATION" in d.codes
    assert all(doc.rule.startswith("M14 2024-二-二-2") for doc in d.documents)


def test_local_policy_restores_the_proof_only_across_cities():
    policy = LocalPolicy("地方规定", ("X",), True)
    across = rules.required_documents(
        Business.MOVE_IN,
        "MOTORCYCLE_2W",
        ApplicantCategory.MAINLAND_RESIDENT,
        "320500",
        "320100",
        policy,
    )
    home = rules.required_documents(
        Business.MOVE_IN,
        "MOTORCYCLE_2W",
        ApplicantCategory.MAINLAND_RESIDENT,
        "320100",
        "320100",
        policy,
    )
    assert across.codes == {"RESIDENT_ID", "RESIDENCE_PROOF", "X"}
    assert home.codes == {"RESIDENT_ID", "X"}


@pytest.mark.parametrize("cat", ["SMALL_PASSENGER", "E_BIKE", "TRICYCLE", "LOW_SPEED_TRUCK"])
def test_other_vehicle_types_are_refused(cat):
    with pytest.raises(RuleError) as err:
        rules.require_motorcycle(cat)
    assert err.value.code == "NOT_A_MOTORCYCLE" and err.value.rule.startswith("M14 2024-二-一-2")


@pytest.mark.parametrize(
    "raw",
    [
        "x",
        {"name": ""},
        {"extraDocuments": [1]},
        {"replacesOneId": "yes"},
        {"extraDocuments": ["a"] * 11},
    ],
)
def test_bad_local_policies_are_refused(raw):
    with pytest.raises(RuleError) as err:
        rules.parse_local_policy(raw)
    assert err.value.code == "LOCAL_POLICY_INVALID"


def test_empty_policy_is_none():
    assert rules.parse_local_policy(None) is None and rules.parse_local_policy({}) is None


def test_review_and_archive_checks():
    rules.check_reviewed_documents(frozenset({"RESIDENT_ID"}), ["RESIDENT_ID"])
    with pytest.raises(RuleError):
        rules.check_reviewed_documents(
            frozenset({"RESIDENT_ID"}), ["RESIDENT_ID", "RESIDENCE_PROOF"]
        )
    rules.check_reviewed_documents(
        frozenset({"RESIDENT_ID", "RESIDENCE_PROOF"}), ["RESIDENT_ID", "RESIDENCE_PROOF"]
    )
    rules.check_archive_kinds(frozenset({"RESIDENCE_PROOF"}), ["IDENTITY", "RESIDENCE_PROOF"])
    with pytest.raises(RuleError):
        rules.check_archive_kinds(frozenset({"RESIDENT_ID"}), ["IDENTITY", "RESIDENCE_PROOF"])
