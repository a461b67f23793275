"""GraphQL documents and builders shared by the M14 tests."""

from __future__ import annotations

from typing import Any

from core.testing_db import row_count

from ..models import MotorcycleCase

PLUGINS = ["motorcycle_one_id"]
SHA = "a" * 64
CHECK = """query($input: MotorcycleCaseInput!) { motorcycleDocumentsCheck(input: $input) {
  applicantCategory crossCity residenceProofRequired localPolicy documents { code name reason rule } } }"""
SUBMIT = """mutation($input: MotorcycleCaseInput!) { motorcycleApplicationSubmit(input: $input) {
  errors { code field rule measure city date }
  application { id status business city crossCity residenceProofRequired documents { code }
                applicant { idNumber } vehicle { plate registrationCity } } } }"""
REVIEW = """mutation($input: MotorcycleReviewInput!) { motorcycleApplicationReview(input: $input) {
  errors { code field rule } application { id status documentsChecked decisionNote } } }"""
COMPLETE = """mutation($input: MotorcycleCompleteInput!) { motorcycleApplicationComplete(input: $input) {
  errors { code field rule } application { id status vehicle { id plate registrationCity archiveMarks } } } }"""
VIEW = """query($id: ID!) { motorcycleApplication(applicationId: $id) { id status business applicant { name idNumber } } }"""
QUEUE = """query($city: String!) { motorcycleApplicationQueue(city: $city) { totalCount nodes { id city } } }"""
SETTING = """mutation($v: JSON!, $scope: String!) { measureSettingSet(measure: "motorcycle_one_id",
  scopeCode: $scope, key: "local_policy", value: $v) { errors { code field } key } }"""


def set_shanghai_policy(env: Any) -> None:
    """Shanghai's local policy (an extra document, replacing one ID), set by the national admin."""
    policy = {
        "name": "上海市摩托车管理规定",
        "extraDocuments": ["摩托车驾驶证"],
        "replacesOneId": True,
    }
    ok = env.data(SETTING, {"v": policy, "scope": "310100"}, as_="national_admin")
    assert ok["measureSettingSet"]["errors"] == []


def move_in(env: Any, city: str = "310100") -> dict:
    """A MOVE_IN of Zhang's motorcycle to `city` (a MotorcycleCaseInput)."""
    return {"business": "MOVE_IN", "city": city, "vehicleId": env.refs["zhang_moto"].id}


def count_cases(env: Any) -> int:
    """How many M14 cases are stored (to prove a refusal wrote nothing)."""
    return row_count(env, MotorcycleCase)
