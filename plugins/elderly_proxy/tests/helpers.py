"""GraphQL documents and helpers shared by the M06 tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.identity import DocumentType
from core.testing import Env

PLUGINS = ["elderly_proxy"]
SHA = "cd" * 32

APP_FIELDS = """
  id business businessLabel status city vehicleId licenceId elderIdType elderAgeOnApplication
  appliedOn livenessCheckRef idDocumentSha256 decisionNote usedAt cancelledAt
  handledApplicationId iAmRelative
"""
PAYLOAD = (
    "errors { code message field rule measure city date } application {"
    + APP_FIELDS
    + "} handledApplication { id business status channel }"
)
APPLY = (
    "mutation($input: ElderProxyApplyInput!) { elderProxyApply(input: $input) {" + PAYLOAD + "} }"
)
REVIEW = (
    "mutation($input: ElderProxyReviewInput!) { elderProxyReview(input: $input) {" + PAYLOAD + "} }"
)
HANDLE = (
    "mutation($input: ElderProxyHandleInput!) { elderProxyHandle(input: $input) {" + PAYLOAD + "} }"
)
CANCEL = "mutation($id: ID!) { elderProxyCancel(applicationId: $id) {" + PAYLOAD + "} }"
MINE = "query { myElderProxyApplications(first: 10) { totalCount nodes {" + APP_FIELDS + "} } }"
MINE_DEPRECATED = "query { elderProxyApplicationsMine(first: 10) { totalCount nodes { id } } }"
REVIEW_QUEUE = "query { elderProxyReviewQueue(first: 10) { totalCount nodes { id } } }"
TICKET = "ticket { id label number priority holderAge officeId day calledAt }"
ISSUE = (
    "mutation($input: ElderQueueTicketIssueInput!) { elderQueueTicketIssue(input: $input) {"
    " errors { code message field rule } " + TICKET + " } }"
)
CALL = (
    "mutation($office: ID) { elderQueueCallNext(officeId: $office) {"
    " errors { code message field rule } " + TICKET + " } }"
)
WAITING = "query { elderQueueWaiting(first: 10) { totalCount nodes { label priority } } }"
REPORT = """
query {
  report(name: "elderly_proxy.activity", city: "320100", start: "2021-07-01", end: "2021-07-31") {
    columns rows { label values }
  }
}"""


def make_elder(
    env: Env,
    birth: dt.date,
    city: str = "320100",
    id_type: DocumentType = DocumentType.MAINLAND_ID,
    name: str = "赵桂兰",
) -> dict[str, Any]:
    """A person born on `birth` with a car and a licence in `city`."""
    with env.session() as s:
        f = env.factory(s)
        person = f.person(name, birth=birth, city=city, id_type=id_type)
        car = f.vehicle(person, city=city)
        licence = f.licence(person, "C1", dt.date(2000, 1, 1), city)
        s.commit()
        return {"person": person, "car": car.id, "licence": licence.id}


def apply_input(elder: Any, **over: Any) -> dict[str, Any]:
    """Apply input for `elder` (a Person, or a make_elder dict: its car by default)."""
    person = elder["person"] if isinstance(elder, dict) else elder
    data: dict[str, Any] = {
        "elderIdType": person.id_type,
        "elderIdNumber": person.id_number,
        "elderName": person.name,
        "livenessCheckRef": "face-20210710-0001",
        "idDocumentSha256": SHA,
        "business": "REPLACE_PLATES",
    }
    if isinstance(elder, dict):
        data["vehicleId"] = elder["car"]
    data.update(over)
    return data


def apply(env: Env, elder: Any, as_: str = "zhang_account", **over: Any) -> dict[str, Any]:
    return env.data(APPLY, {"input": apply_input(elder, **over)}, as_=as_)["elderProxyApply"]


def applied(env: Env, elder: Any, **over: Any) -> dict[str, Any]:
    payload = apply(env, elder, **over)
    assert payload["errors"] == [], payload
    return payload["application"]


def review(env: Env, app_id: str, approve: bool = True, as_: str = "clerk", note=None) -> dict:
    data = {"applicationId": app_id, "approve": approve, "note": note}
    return env.data(REVIEW, {"input": data}, as_=as_)["elderProxyReview"]


def handle(env: Env, app_id: str, as_: str = "zhang_account", **over: Any) -> dict[str, Any]:
    data = {"applicationId": app_id, "business": "REPLACE_PLATES", **over}
    return env.data(HANDLE, {"input": data}, as_=as_)["elderProxyHandle"]


def issue(env: Env, person: Any = None, as_: str = "clerk", **over: Any) -> dict[str, Any]:
    """Issue a queue ticket (for `person`'s ID when given) and return the payload."""
    data: dict[str, Any] = {}
    if person is not None:
        data = {"holderIdType": person.id_type, "holderIdNumber": person.id_number}
    data.update(over)
    return env.data(ISSUE, {"input": data}, as_=as_)["elderQueueTicketIssue"]
