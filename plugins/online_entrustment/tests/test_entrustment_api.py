"""M09 through the GraphQL API: create, check, use, revoke, paper, rollout and refusals."""

from __future__ import annotations

from sqlmodel import select

from core.audit import AuditEvent
from core.testing_answers import first_code, top_code
from core.testing_db import audit_events, update_row

from ..models import EntrustmentGrant
from .helpers import (
    BUSINESSES,
    CREATE,
    LOOKUP,
    MINE,
    PAPER,
    PLUGINS,
    REQUIREMENT,
    REVOKE,
    SCAN,
    USE,
    agent_of,
    create,
    create_input,
    created,
    grant_count,
    use,
    use_input,
)

SHA = "ab" * 32


# --- create ---------------------------------------------------------------------------------------


def test_owner_creates_a_signed_entrustment(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    assert grant["status"] == "ACTIVE"
    assert grant["kind"] == "ONLINE"
    assert grant["city"] == "320100"
    assert grant["validFrom"] == "2021-07-01"
    assert grant["validUntil"] == "2021-07-31"
    assert grant["qr"].startswith("EN1:")
    li_number = env.refs["li"].id_number
    assert grant["agentIdNumber"] != li_number and "*" in grant["agentIdNumber"]
    with env.session() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.measure == "online_entrustment")).all()
    assert events and all(li_number not in str(e.detail) for e in events)


def test_licence_business_and_transfer_in_city(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    lic = env.refs["zhang_licence"].id
    grant = created(env, business="LICENCE_DEFERRAL", vehicleId=None, licenceId=lic)
    assert grant["licenceId"] == lic and grant["city"] == "320100"
    moved = created(
        env, business="LICENCE_TRANSFER_IN", vehicleId=None, licenceId=lic, city="310100"
    )
    assert moved["city"] == "310100"
    same = create(env, business="LICENCE_TRANSFER_IN", vehicleId=None, licenceId=lic, city="320100")
    assert first_code(same) == "INVALID_INPUT"


def test_new_vehicle_registration_is_named_by_vin_and_city(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(
        env, business="REGISTRATION", vehicleId=None, vin="LSVAB123456789012", city="320500"
    )
    assert grant["vin"] == "LSVAB123456789012" and grant["city"] == "320500"
    bad = create(env, business="REGISTRATION", vehicleId=None, vin="LSV", city="320500")
    assert first_code(bad) == "INVALID_INPUT" and bad["errors"][0]["field"] == "vin"
    unknown_city = create(
        env, business="REGISTRATION", vehicleId=None, vin="LSVAB123456789012", city="999999"
    )
    assert first_code(unknown_city) == "UNKNOWN_CITY"


def test_validity_boundary_30_accepted_31_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    assert created(env, validDays=30)["validUntil"] == "2021-07-31"
    payload = create(env, validDays=31)
    assert first_code(payload) == "ENTRUSTMENT_VALIDITY_TOO_LONG"
    assert payload["errors"][0]["field"] == "validDays"
    assert "九-二" in payload["errors"][0]["rule"]
    assert first_code(create(env, validDays=0)) == "INVALID_INPUT"
    assert grant_count(env) == 1


def test_excluded_business_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    payload = create(env, business="CHANGE_CO_OWNER")
    assert first_code(payload) == "ENTRUSTMENT_BUSINESS_NOT_ENTRUSTABLE"
    assert "九-一" in payload["errors"][0]["rule"]
    assert first_code(create(env, business="DEREGISTRATION_SCRAP")) == (
        "ENTRUSTMENT_BUSINESS_NOT_ENTRUSTABLE"
    )
    assert first_code(create(env, business="'; drop table x")) == "INVALID_INPUT"
    assert grant_count(env) == 0


def test_wrong_subject_and_others_vehicle(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    assert first_code(create(env, business="LICENCE_DEFERRAL")) == "ENTRUSTMENT_WRONG_SUBJECT"
    assert first_code(create(env, vehicleId=env.refs["li_car"].id)) == "NOT_FOUND"
    assert first_code(create(env, vehicleId="nope")) == "NOT_FOUND"
    assert first_code(create(env, vehicleId=None)) == "INVALID_INPUT"
    assert grant_count(env) == 0


def test_owner_cannot_entrust_themself(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    payload = create(env, **agent_of(env, "zhang"))
    assert first_code(payload) == "ENTRUSTMENT_SELF"
    assert "本人" in payload["errors"][0]["rule"]


def test_malformed_input_is_a_typed_error(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    bad_id = create(env, agentIdNumber="32010219850615001X")
    assert first_code(bad_id) == "INVALID_ID_NUMBER"
    # an unknown document type is not an IdType: the client's request is malformed (top level)
    unknown = env.gql(
        CREATE, {"input": create_input(env, agentIdType="ALIEN")}, as_="zhang_account"
    )
    assert top_code(unknown) == "BAD_USER_INPUT" and unknown["data"] is None
    assert first_code(create(env, agentName="")) == "INVALID_INPUT"
    assert first_code(create(env, agentName="李" * 65)) == "TOO_LONG"
    response = env.post(CREATE, {"input": create_input(env, validDays="x")}, as_="zhang_account")
    assert response.status_code == 200 and response.json()["errors"]
    assert grant_count(env) == 0


def test_refused_roles(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    body = env.gql(CREATE, {"input": create_input(env)}, as_="clerk")
    assert top_code(body) == "FORBIDDEN"
    body = env.gql(CREATE, {"input": create_input(env)}, as_=None)
    assert top_code(body) == "UNAUTHENTICATED"
    grant = created(env)
    assert top_code(env.gql(LOOKUP, {"id": grant["id"]}, as_="road_officer")) == "FORBIDDEN"
    assert top_code(env.gql(LOOKUP, {"id": grant["id"]}, as_="zhang_account")) == "FORBIDDEN"
    assert top_code(env.gql(USE, {"input": use_input(env, grant["id"])}, as_="insurer")) == (
        "FORBIDDEN"
    )


def test_not_in_force_before_2021_06_01(make_env) -> None:
    env = make_env(PLUGINS, now="2021-05-31")
    payload = create(env)
    assert first_code(payload) == "FEATURE_NOT_ENABLED"
    assert payload["errors"][0]["city"] == "320100"
    assert payload["errors"][0]["date"] == "2021-05-31"
    assert grant_count(env) == 0
    assert top_code(env.gql(BUSINESSES, as_="zhang_account")) == "FEATURE_NOT_ENABLED"
    env.clock.set("2021-06-01")
    assert created(env)["status"] == "ACTIVE"
    assert len(env.data(BUSINESSES, as_="zhang_account")["entrustmentBusinesses"]) == 21


def test_city_disabled_refuses_use_and_writes_nothing(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    env.set_rollout("online_entrustment", "320100", enabled=False)
    err = use(env, grant["id"])["errors"][0]
    # the city comes from the entrustment: the refusal names the argument that carried it
    assert (err["code"], err["field"], err["rule"]) == (
        "FEATURE_NOT_ENABLED",
        "entrustmentId",
        "core: rollout",
    )
    ext = env.gql(LOOKUP, {"id": grant["id"]}, as_="clerk")["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("FEATURE_NOT_ENABLED", "id")
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).used_at is None


# --- the clerk's check and use ---------------------------------------------------------------------


def test_clerk_uses_it_once(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    payload = use(env, grant["id"])
    assert payload["errors"] == []
    assert payload["entrustment"]["status"] == "USED"
    assert payload["entrustment"]["qr"] is None
    again = use(env, grant["id"])
    assert first_code(again) == "ENTRUSTMENT_ALREADY_USED"


def test_wrong_agent_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    payload = use(env, grant["id"], **agent_of(env, "chen"))
    assert first_code(payload) == "ENTRUSTMENT_AGENT_MISMATCH"
    assert "重新委托" in payload["errors"][0]["rule"]
    assert env.refs["chen"].id_number not in payload["errors"][0]["message"]
    assert first_code(use(env, grant["id"], agentName="李四")) == "ENTRUSTMENT_AGENT_MISMATCH"
    assert use(env, grant["id"])["errors"] == []  # the right agent still can


def test_wrong_business_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    payload = use(env, grant["id"], business="REPLACE_VEHICLE_LICENCE")
    assert first_code(payload) == "ENTRUSTMENT_BUSINESS_MISMATCH"
    assert first_code(use(env, grant["id"], business="CHANGE_CO_OWNER")) == (
        "ENTRUSTMENT_BUSINESS_NOT_ENTRUSTABLE"
    )


def test_expiry_boundary(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    first, second = created(env), created(env)
    env.clock.set("2021-07-31T23:00:00+08:00")
    assert use(env, first["id"])["errors"] == []
    env.clock.set("2021-08-01T00:00:00+08:00")
    payload = use(env, second["id"])
    assert first_code(payload) == "ENTRUSTMENT_EXPIRED"
    assert payload["errors"][0]["rule"].startswith("M09 2021-九-二")


def test_other_city_clerk_is_out_of_jurisdiction(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    assert first_code(use(env, grant["id"], as_="clerk_sh")) == "OUT_OF_JURISDICTION"
    ext = env.gql(LOOKUP, {"id": grant["id"]}, as_="clerk_sh")["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("OUT_OF_JURISDICTION", "id")  # entrustmentLookup(id:)
    assert ext["rule"].startswith("M09 2021-九-二")
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).used_at is None


def test_lookup_by_id_is_audited(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    found = env.data(LOOKUP, {"id": grant["id"]}, as_="clerk")["entrustmentLookup"]
    assert found["id"] == grant["id"] and found["agentName"] == "李娜"
    events = audit_events(env, "online_entrustment.lookup")
    assert len(events) == 1 and events[0].subject_person_id == env.refs["zhang"].id
    ext = env.gql(LOOKUP, {"id": "missing"}, as_="clerk")["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("NOT_FOUND", "id")


def test_scan_qr(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    result = env.data(SCAN, {"qr": grant["qr"]}, as_="clerk")["entrustmentScan"]
    assert result["valid"] and result["entrustment"]["id"] == grant["id"]
    tampered = grant["qr"][:-3] + ("AAA" if not grant["qr"].endswith("AAA") else "BBB")
    bad = env.data(SCAN, {"qr": tampered}, as_="clerk")["entrustmentScan"]
    assert not bad["valid"] and bad["entrustment"] is None
    junk = env.data(SCAN, {"qr": "hello"}, as_="clerk")["entrustmentScan"]
    assert junk == {"valid": False, "reason": "MALFORMED", "entrustment": None}
    ext = env.gql(SCAN, {"qr": grant["qr"]}, as_="clerk_sh")["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("OUT_OF_JURISDICTION", "qr")  # entrustmentScan(qr:)
    use(env, grant["id"])
    after = env.data(SCAN, {"qr": grant["qr"]}, as_="clerk")["entrustmentScan"]
    assert after["valid"] and after["entrustment"]["status"] == "USED"


def test_owner_in_person_needs_no_entrustment(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    zhang = env.refs["zhang"]
    base = {"business": "REPLACE_PLATES", "vehicleId": env.refs["zhang_car"].id}
    owner = env.data(
        REQUIREMENT,
        {
            "input": {
                **base,
                "applicantIdType": zhang.id_type,
                "applicantIdNumber": zhang.id_number,
                "applicantName": zhang.name,
            }
        },
        as_="clerk",
    )["entrustmentRequirement"]
    assert owner["ownerInPerson"] and not owner["entrustmentRequired"]
    li = agent_of(env)
    agent = env.data(
        REQUIREMENT,
        {
            "input": {
                **base,
                "applicantIdType": li["agentIdType"],
                "applicantIdNumber": li["agentIdNumber"],
                "applicantName": li["agentName"],
            }
        },
        as_="clerk",
    )["entrustmentRequirement"]
    assert agent["entrustmentRequired"] and agent["usableEntrustments"] == [{"id": grant["id"]}]
    assert "不再要求" in agent["rule"]
    body = env.gql(
        REQUIREMENT,
        {
            "input": {
                **base,
                "applicantIdType": zhang.id_type,
                "applicantIdNumber": zhang.id_number,
                "applicantName": zhang.name,
            }
        },
        as_="clerk_bj",
    )
    assert top_code(body) == "OUT_OF_JURISDICTION"


# --- revoke ----------------------------------------------------------------------------------------


def test_owner_revokes_before_use(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    other = env.data(REVOKE, {"id": grant["id"]}, as_="li_account")["entrustmentRevoke"]
    # entrustmentRevoke(id:): every refusal names `id`, the argument the client sent
    assert (other["errors"][0]["code"], other["errors"][0]["field"]) == ("NOT_FOUND", "id")
    missing = env.data(REVOKE, {"id": "missing"}, as_="zhang_account")["entrustmentRevoke"]
    assert (missing["errors"][0]["code"], missing["errors"][0]["field"]) == ("NOT_FOUND", "id")
    payload = env.data(REVOKE, {"id": grant["id"]}, as_="zhang_account")["entrustmentRevoke"]
    assert payload["entrustment"]["status"] == "REVOKED"
    assert first_code(use(env, grant["id"])) == "ENTRUSTMENT_REVOKED"
    again = env.data(REVOKE, {"id": grant["id"]}, as_="zhang_account")["entrustmentRevoke"]
    err = again["errors"][0]
    assert (err["code"], err["field"]) == ("ENTRUSTMENT_REVOKED", "id")
    assert err["rule"] == "M09 2021-九-二: 单次委托"


def test_cannot_revoke_after_use(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    assert use(env, grant["id"])["errors"] == []
    payload = env.data(REVOKE, {"id": grant["id"]}, as_="zhang_account")["entrustmentRevoke"]
    err = payload["errors"][0]
    assert (err["code"], err["field"]) == ("ENTRUSTMENT_ALREADY_USED", "id")
    assert err["rule"] == "M09 2021-九-二: 单次委托"


def test_owner_and_agent_list_their_entrustments(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    mine = env.data(MINE, as_="zhang_account")["entrustmentsMine"]
    assert [n["id"] for n in mine["nodes"]] == [grant["id"]]
    as_agent = env.data(MINE, as_="li_account")["entrustmentsMine"]
    assert as_agent["nodes"][0]["qr"] == grant["qr"]
    assert env.data(MINE, as_="chen_account")["entrustmentsMine"]["totalCount"] == 0


# --- paper ---------------------------------------------------------------------------------------


def _paper_input(env, **over):
    zhang, li = env.refs["zhang"], env.refs["li"]
    data = {
        "business": "REPLACE_VEHICLE_LICENCE",
        "vehicleId": env.refs["zhang_car"].id,
        "ownerIdType": zhang.id_type,
        "ownerIdNumber": zhang.id_number,
        "ownerName": zhang.name,
        "agentIdType": li.id_type,
        "agentIdNumber": li.id_number,
        "agentName": li.name,
        "documentSha256": SHA,
    }
    data.update(over)
    return data


def test_clerk_records_a_paper_entrustment(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    payload = env.data(PAPER, {"input": _paper_input(env)}, as_="clerk")["entrustmentPaperRecord"]
    assert payload["errors"] == []
    assert payload["entrustment"]["kind"] == "PAPER"
    assert payload["entrustment"]["status"] == "USED"


def test_paper_refusals(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    li = env.refs["li"]
    not_owner = env.data(
        PAPER,
        {
            "input": _paper_input(
                env,
                ownerIdNumber=li.id_number,
                ownerName=li.name,
                agentIdNumber=env.refs["chen"].id_number,
                agentName=env.refs["chen"].name,
            )
        },
        as_="clerk",
    )["entrustmentPaperRecord"]
    assert first_code(not_owner) == "ENTRUSTMENT_OWNER_MISMATCH"
    bad_hash = env.data(PAPER, {"input": _paper_input(env, documentSha256="xyz")}, as_="clerk")
    assert first_code(bad_hash["entrustmentPaperRecord"]) == "INVALID_INPUT"
    other_city = env.data(PAPER, {"input": _paper_input(env)}, as_="clerk_sh")
    assert first_code(other_city["entrustmentPaperRecord"]) == "OUT_OF_JURISDICTION"
    assert top_code(env.gql(PAPER, {"input": _paper_input(env)}, as_="zhang_account")) == (
        "FORBIDDEN"
    )
    assert grant_count(env) == 0


def test_vehicle_sold_after_entrusting_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    from core.registries.vehicles import Vehicle

    update_row(env, Vehicle, env.refs["zhang_car"].id, owner_person_id=env.refs["chen"].id)
    assert first_code(use(env, grant["id"])) == "ENTRUSTMENT_OWNER_CHANGED"
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).used_at is None
