"""GraphQL documents and a builder for a ready accident case (shared by the M12 tests)."""

from __future__ import annotations

from typing import Any

PLUGINS = ["accident_evidence"]
APPLICATION_SHA256 = "ab" * 32  # the scanned written application (书面申请)

REGISTER = """
mutation($input: AccidentEvidenceCaseInput!) {
  accidentEvidenceCaseRegister(input: $input) {
    errors { code field rule city date }
    case { id accidentNumber city parties { id name idNumber deceased } }
  }
}"""

DELIVER = """
mutation($n: String!, $doc: AccidentEvidenceDeliveredDocument!, $d: Date!) {
  accidentEvidenceDeliveryRecord(accidentNumber: $n, document: $doc, deliveredOn: $d) {
    errors { code field rule }
    case { determinationDeliveredOn certificateDeliveredOn }
  }
}"""

ITEM = """
mutation($input: AccidentEvidenceItemInput!) {
  accidentEvidenceItemRecord(input: $input) {
    errors { code field rule }
    item { id kind kindLabel confidentiality offerStatus sha256 }
  }
}"""

SUBMIT = """
mutation($n: String!, $ids: [ID!]!) {
  accidentEvidenceOfferSubmit(accidentNumber: $n, itemIds: $ids) {
    errors { code field rule }
    case { items { id offerStatus } }
  }
}"""

CONFIRM = """
mutation($n: String!, $note: String) {
  accidentEvidenceCompletenessConfirm(accidentNumber: $n, note: $note) {
    errors { code field rule }
    case { completenessCheckedAt }
  }
}"""

REVIEW = """
mutation($n: String!, $ok: Boolean!, $note: String) {
  accidentEvidenceOfferReview(accidentNumber: $n, approve: $ok, note: $note) {
    errors { code field rule }
    case { items { id offerStatus } }
  }
}"""

REQUESTER = """
mutation($input: AccidentEvidenceRequesterInput!) {
  accidentEvidenceRequesterRegister(input: $input) {
    errors { code field rule }
    requester { id requesterType idNumber phone applicationDate applicationDocumentSha256 }
    voucher { accidentNumber accessCode accessChannels rightsAndDuties text qr }
  }
}"""

CASE = """
query($n: String!) { accidentEvidenceCase(accidentNumber: $n) {
  accidentNumber items { id offerStatus } requesters { idNumber phone } } }"""

FOLDER = """
query($n: String!, $c: String!) { accidentEvidenceFolder(accidentNumber: $n, accessCode: $c) {
  accidentNumber city files { id kind title sha256 } } }"""

REPORT = """
query($n: String!, $c: String!, $s: Date!, $e: Date!) {
  report(name: $n, city: $c, start: $s, end: $e) { columns rows { label values } } }"""

DOWNLOAD = """
query($n: String!, $c: String!, $i: ID!) {
  accidentEvidenceDownload(accidentNumber: $n, accessCode: $c, itemId: $i) {
    file { id title } content } }"""


def party(
    person: Any, deceased: bool = False, relatives: list[Any] = (), phone: str | None = None
) -> dict[str, Any]:
    """A party input; `relatives` (persons) for a party who died."""
    return {
        "name": person.name,
        "idType": person.id_type,
        "idNumber": person.id_number,
        "deceased": deceased,
        "phone": phone,
        "relatives": [
            {"name": r.name, "idType": r.id_type, "idNumber": r.id_number} for r in relatives
        ],
    }


def register_case(
    env: Any,
    number: str = "3201002021000001",
    parties: list[dict[str, Any]] | None = None,
    city: str = "320100",
    procedure: str = "GENERAL",
    occurred_on: str = "2021-06-10",
    as_: Any = "accident_officer",
) -> dict[str, Any]:
    body = env.data(
        REGISTER,
        {
            "input": {
                "accidentNumber": number,
                "city": city,
                "procedure": procedure,
                "occurredOn": occurred_on,
                "parties": parties or [party(env.refs["zhang"]), party(env.refs["elder"])],
            }
        },
        as_=as_,
    )
    return body["accidentEvidenceCaseRegister"]


def add_item(
    env: Any,
    number: str,
    kind: str = "SCENE_DIAGRAM",
    confidentiality: str = "NONE",
    as_: Any = "accident_officer",
) -> str:
    out = env.data(
        ITEM,
        {
            "input": {
                "accidentNumber": number,
                "kind": kind,
                "title": f"{kind} of {number}",
                "content": f"content {kind}",
                "confidentiality": confidentiality,
            }
        },
        as_=as_,
    )["accidentEvidenceItemRecord"]
    assert out["errors"] == [], out
    return out["item"]["id"]


def confirm(env: Any, number: str, as_: Any = "accident_officer") -> dict[str, Any]:
    """The officer confirms the evidence entered is complete (十二-四)."""
    out = env.data(CONFIRM, {"n": number}, as_=as_)["accidentEvidenceCompletenessConfirm"]
    assert out["errors"] == [], out
    return out


def ready_case(
    env: Any,
    number: str = "3201002021000001",
    parties: list[dict[str, Any]] | None = None,
    delivered_on: str = "2021-07-01",
) -> dict[str, Any]:
    """A case with two approved items and a confidential one, delivered on `delivered_on`."""
    case = register_case(env, number, parties)
    assert case["errors"] == [], case
    diagram = add_item(env, number, "SCENE_DIAGRAM")
    photo = add_item(env, number, "SCENE_PHOTO")
    secret = add_item(env, number, "WITNESS_STATEMENT", "WITNESS_CONFIDENTIAL")
    confirm(env, number)
    out = env.data(SUBMIT, {"n": number, "ids": [diagram, photo]}, as_="accident_officer")
    assert out["accidentEvidenceOfferSubmit"]["errors"] == []
    out = env.data(REVIEW, {"n": number, "ok": True}, as_="accident_head")
    assert out["accidentEvidenceOfferReview"]["errors"] == []
    out = env.data(
        DELIVER,
        {"n": number, "doc": "DETERMINATION", "d": delivered_on},
        as_="accident_officer",
    )
    assert out["accidentEvidenceDeliveryRecord"]["errors"] == [], out
    return {
        "number": number,
        "parties": case["case"]["parties"],
        "diagram": diagram,
        "photo": photo,
        "secret": secret,
    }


def register_requester(
    env: Any,
    number: str,
    party_id: str,
    person: Any,
    requester_type: str = "PARTY",
    phone: str = "13900000001",
    application_date: str | None = None,
) -> dict[str, Any]:
    """Register a requester on a written application dated `application_date` (default: the
    platform's today)."""
    return env.data(
        REQUESTER,
        {
            "input": {
                "accidentNumber": number,
                "partyId": party_id,
                "requesterType": requester_type,
                "idType": person.id_type,
                "idNumber": person.id_number,
                "phone": phone,
                "applicationDate": application_date or env.clock.today().isoformat(),
                "applicationDocumentSha256": APPLICATION_SHA256,
            }
        },
        as_="accident_officer",
    )["accidentEvidenceRequesterRegister"]


def access_code(env: Any, case: dict[str, Any], person: Any) -> str:
    """Register `person` as the requester of their own party in `case` (a ready case answer);
    the voucher's access code."""
    return register_requester(env, case["number"], party_id(case, person), person)["voucher"][
        "accessCode"
    ]


def party_id(case: dict[str, Any], person: Any) -> str:
    """The id of `person`'s party in a case answer (parties' ID numbers are masked)."""
    masked_tail = person.id_number[-4:]
    return next(p["id"] for p in case["parties"] if p["idNumber"].endswith(masked_tail))


def party_id_by_name(case: dict[str, Any], person: Any) -> str:
    """The id of the party named as `person` in a case answer."""
    return next(p["id"] for p in case["parties"] if p["name"] == person.name)
