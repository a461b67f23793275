"""Window registration of the legal person and admins, online users, the 补换领牌证 grant (八-二,
八-三), through the GraphQL API."""

from __future__ import annotations

from sqlmodel import select

from core.accounts import UnitMember, UnitRole
from core.audit import AuditEvent
from core.testing_answers import top_code
from core.testing_db import audit_events

from ..models import UnitFile
from .helpers import (
    AFTER,
    GRANT,
    MEMBERS,
    MY_UNITS,
    MY_UNITS_DEPRECATED,
    PLUGINS,
    REGISTER,
    USER_ADD,
    USER_REMOVE,
    WINDOW_REMOVE,
    active_members,
    citizen,
    errors,
    member,
    person_only,
    register,
    unit,
)


def test_clerk_registers_an_admin_at_the_window(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person, _ = citizen(env, "周管理")
    body = register(env, "clerk", env.refs["unit"].credit_code, "ADMIN", person)
    assert errors(body, "unitManagerRegister") == []
    got = body["data"]["unitManagerRegister"]["member"]
    assert got["role"] == "ADMIN" and got["canReplacePlates"] is True
    assert "*" in got["person"]["idNumber"]  # masked
    roles = {m.person_id: m.role for m in active_members(env, env.refs["unit"].id)}
    assert roles[person.id] == "ADMIN"


def test_new_legal_person_replaces_the_old_one_and_is_filed(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person, _ = citizen(env, "吴法人")
    body = register(env, "clerk", env.refs["unit"].credit_code, "LEGAL_PERSON", person)
    assert errors(body, "unitManagerRegister") == []
    roles = {m.person_id: m.role for m in active_members(env, env.refs["unit"].id)}
    assert roles[person.id] == "LEGAL_PERSON"
    assert env.refs["zhang"].id not in roles  # the previous legal person was removed
    with env.session() as s:
        assert s.get(UnitFile, env.refs["unit"].id).legal_person_id == person.id
    again = register(env, "clerk", env.refs["unit"].credit_code, "LEGAL_PERSON", person)
    assert errors(again, "unitManagerRegister")[0]["code"] == "UNIT_ALREADY_MEMBER"


def test_window_registration_refused_for_clerk_of_another_city(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person, _ = citizen(env, "周管理")
    body = register(env, None, env.refs["unit"].credit_code, "ADMIN", person, as_="clerk_sh")
    assert errors(body, "unitManagerRegister")[0]["code"] == "OUT_OF_JURISDICTION"
    assert person.id not in {m.person_id for m in active_members(env, env.refs["unit"].id)}


def test_window_registration_refused_for_citizens_even_the_legal_person(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person, _ = citizen(env, "周管理")
    body = register(env, None, env.refs["unit"].credit_code, "ADMIN", person, as_="zhang_account")
    assert top_code(body) == "FORBIDDEN"
    assert person.id not in {m.person_id for m in active_members(env, env.refs["unit"].id)}


def test_window_registration_needs_a_personal_account_first(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person = person_only(env, "无账号")
    body = register(env, "clerk", env.refs["unit"].credit_code, "ADMIN", person)
    err = errors(body, "unitManagerRegister")[0]
    assert err["code"] == "UNIT_PERSONAL_ACCOUNT_REQUIRED"
    assert err["rule"].startswith("M20 2024-八-二")
    assert person.id_number not in err["message"]  # no raw ID number in errors


def test_window_registration_boundary_2024_07_01(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    person, _ = citizen(env, "周管理")
    body = register(env, "clerk", env.refs["unit"].credit_code, "ADMIN", person)
    err = errors(body, "unitManagerRegister")[0]
    assert err["code"] == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE" and err["rule"].startswith(
        "M20 2024-八-二"
    )
    assert person.id not in {m.person_id for m in active_members(env, env.refs["unit"].id)}
    env.clock.set("2024-07-01")
    body = register(env, "clerk", env.refs["unit"].credit_code, "ADMIN", person)
    assert errors(body, "unitManagerRegister") == []


def test_measure_not_in_force_writes_nothing(make_env):
    env = make_env(PLUGINS, now=AFTER)
    env.set_rollout("unit_accounts", "320100", enabled=False)
    person, _ = citizen(env, "周管理")
    body = register(env, "clerk", env.refs["unit"].credit_code, "ADMIN", person)
    err = errors(body, "unitManagerRegister")[0]
    assert err["code"] == "FEATURE_NOT_ENABLED" and err["measure"] == "unit_accounts"
    assert err["city"] == "320100"
    assert person.id not in {m.person_id for m in active_members(env, env.refs["unit"].id)}
    add = env.gql(
        USER_ADD,
        {"unit": env.refs["unit"].id, "type": person.id_type, "number": person.id_number},
        as_="zhang_account",
    )
    assert errors(add, "unitUserAdd")[0]["code"] == "FEATURE_NOT_ENABLED"
    assert len(active_members(env, env.refs["unit"].id)) == 2


def test_malformed_window_input_is_a_typed_error(make_env):
    env = make_env(PLUGINS, now=AFTER)
    person, _ = citizen(env, "周管理")
    bad_code = register(env, "clerk", "NOT-A-CODE", "ADMIN", person)
    assert errors(bad_code, "unitManagerRegister")[0]["code"] == "INVALID_CREDIT_CODE"
    variables = {
        "input": {
            "unitCreditCode": env.refs["unit"].credit_code,
            "role": "ADMIN",
            "idType": "MAINLAND_ID",
            "idNumber": "11010119900101123X",
        }
    }
    bad_id = env.gql(REGISTER, variables, as_="clerk")
    assert errors(bad_id, "unitManagerRegister")[0]["code"] == "INVALID_ID_NUMBER"
    variables["input"]["idType"] = "DRIVING_PERMIT"  # not an IdType: refused by GraphQL itself
    bad_type = env.gql(REGISTER, variables, as_="clerk")
    assert top_code(bad_type) == "BAD_USER_INPUT" and bad_type["data"] is None
    assert len(active_members(env, env.refs["unit"].id)) == 2
    variables["input"]["idType"] = "MAINLAND_ID"
    variables["input"]["role"] = "USER"  # users are added online, not at the window
    response = env.post(REGISTER, variables, as_="clerk")
    assert response.status_code == 200 and response.json()["errors"]


def test_legal_person_and_admin_add_and_remove_users_online(make_env):
    env = make_env(PLUGINS, now=AFTER)
    target, _ = citizen(env, "新用户")
    admin_person, admin_account = citizen(env, "刘管理")
    member(env, env.refs["unit"], admin_person, UnitRole.ADMIN)
    unit_id = env.refs["unit"].id
    add = env.gql(
        USER_ADD,
        {"unit": unit_id, "type": target.id_type, "number": target.id_number},
        as_=admin_account,
    )
    assert errors(add, "unitUserAdd") == []
    new = add["data"]["unitUserAdd"]["member"]
    assert new["role"] == "USER" and new["canReplacePlates"] is False
    removed = env.gql(USER_REMOVE, {"unit": unit_id, "member": new["id"]}, as_="zhang_account")
    assert errors(removed, "unitUserRemove") == []
    assert target.id not in {m.person_id for m in active_members(env, unit_id)}
    with env.session() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert actions.count("unit_accounts.manage_users") == 2


def test_user_cannot_add_users_and_managers_are_removed_only_at_window(make_env):
    env = make_env(PLUGINS, now=AFTER)
    target, _ = citizen(env, "新用户")
    unit_id = env.refs["unit"].id
    add = env.gql(
        USER_ADD,
        {"unit": unit_id, "type": target.id_type, "number": target.id_number},
        as_="li_account",
    )
    err = errors(add, "unitUserAdd")[0]
    assert err["code"] == "UNIT_ROLE_REQUIRED" and err["rule"].startswith("M20 2024-八-二")
    legal = env.refs["unit_legal"]
    remove = env.gql(USER_REMOVE, {"unit": unit_id, "member": legal.id}, as_="zhang_account")
    assert errors(remove, "unitUserRemove")[0]["code"] == "UNIT_WINDOW_ONLY"
    by_clerk = env.gql(WINDOW_REMOVE, {"id": legal.id}, as_="clerk")
    assert errors(by_clerk, "unitMemberRemoveAtWindow") == []
    assert legal.id not in {m.id for m in active_members(env, unit_id)}


def test_member_of_another_unit_cannot_manage_or_list_this_unit(make_env):
    env = make_env(PLUGINS, now=AFTER)
    other = unit(env, "南京另一家公司")
    boss, boss_account = citizen(env, "别家法人")
    member(env, other, boss, UnitRole.LEGAL_PERSON)
    target, _ = citizen(env, "新用户")
    unit_id = env.refs["unit"].id
    add = env.gql(
        USER_ADD,
        {"unit": unit_id, "type": target.id_type, "number": target.id_number},
        as_=boss_account,
    )
    assert errors(add, "unitUserAdd")[0]["code"] == "NOT_FOUND"
    remove = env.gql(
        USER_REMOVE, {"unit": unit_id, "member": env.refs["unit_user"].id}, as_=boss_account
    )
    assert errors(remove, "unitUserRemove")[0]["code"] == "NOT_FOUND"
    listing = env.gql(MEMBERS, {"unit": unit_id}, as_=boss_account)
    assert top_code(listing) == "NOT_FOUND"
    # and a user id of another unit cannot be removed through one's own unit
    cross = env.gql(
        USER_REMOVE, {"unit": other.id, "member": env.refs["unit_user"].id}, as_=boss_account
    )
    assert errors(cross, "unitUserRemove")[0]["code"] == "NOT_FOUND"


def test_online_user_management_boundary_2024_07_01(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    target, _ = citizen(env, "新用户")
    variables = {"unit": env.refs["unit"].id, "type": target.id_type, "number": target.id_number}
    before = env.gql(USER_ADD, variables, as_="zhang_account")
    assert errors(before, "unitUserAdd")[0]["code"] == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE"
    env.clock.set("2024-07-01")
    assert errors(env.gql(USER_ADD, variables, as_="zhang_account"), "unitUserAdd") == []


def test_adding_keeps_the_limits_of_10_per_unit_and_3_units_per_person(make_env):
    env = make_env(PLUGINS, now=AFTER)
    unit_id = env.refs["unit"].id
    people = [citizen(env, f"用户{i}")[0] for i in range(9)]
    results = [
        errors(
            env.gql(
                USER_ADD,
                {"unit": unit_id, "type": p.id_type, "number": p.id_number},
                as_="zhang_account",
            ),
            "unitUserAdd",
        )
        for p in people
    ]
    # 2 members already: 8 more reach exactly 10; the 11th is refused
    assert all(r == [] for r in results[:8])
    assert results[8][0]["code"] == "UNIT_MEMBER_LIMIT"
    assert results[8][0]["rule"].startswith("M20 2024-八-一-2")
    assert len(active_members(env, unit_id)) == 10

    busy, _ = citizen(env, "忙人")
    for i in range(3):
        member(env, unit(env, f"公司{i}"), busy, UnitRole.USER)
    member(env, unit(env, "法人公司"), busy, UnitRole.LEGAL_PERSON)  # not counted
    fresh = unit(env, "第五家")
    boss, boss_account = citizen(env, "第五家法人")
    member(env, fresh, boss, UnitRole.LEGAL_PERSON)
    refused = env.gql(
        USER_ADD,
        {"unit": fresh.id, "type": busy.id_type, "number": busy.id_number},
        as_=boss_account,
    )
    assert errors(refused, "unitUserAdd")[0]["code"] == "UNIT_PERSON_UNIT_LIMIT"


def test_user_needs_window_grant_which_only_a_clerk_of_the_city_gives(make_env):
    env = make_env(PLUGINS, now=AFTER)
    user = env.refs["unit_user"]
    refused = env.gql(GRANT, {"id": user.id, "granted": True}, as_="clerk_bj")
    assert errors(refused, "unitUserPlateGrant")[0]["code"] == "OUT_OF_JURISDICTION"
    by_lp = env.gql(GRANT, {"id": user.id, "granted": True}, as_="zhang_account")
    assert top_code(by_lp) == "FORBIDDEN"
    ok = env.gql(GRANT, {"id": user.id, "granted": True}, as_="clerk")
    assert errors(ok, "unitUserPlateGrant") == []
    assert ok["data"]["unitUserPlateGrant"]["member"]["canReplacePlates"] is True
    on_lp = env.gql(GRANT, {"id": env.refs["unit_legal"].id, "granted": False}, as_="clerk")
    assert errors(on_lp, "unitUserPlateGrant")[0]["code"] == "UNIT_ROLE_REQUIRED"
    with env.session() as s:
        assert s.get(UnitMember, env.refs["unit_legal"].id).can_replace_plates is True


def test_members_list_for_members_and_clerk_of_the_city(make_env):
    env = make_env(PLUGINS, now=AFTER)
    unit_id = env.refs["unit"].id
    listing = env.data(MEMBERS, {"unit": unit_id}, as_="li_account")["unitAccountMembers"]
    assert listing["totalCount"] == 2
    assert all("*" in n["person"]["idNumber"] for n in listing["nodes"])
    by_clerk = env.data(MEMBERS, {"unit": unit_id}, as_="clerk")["unitAccountMembers"]
    assert by_clerk["totalCount"] == 2
    assert top_code(env.gql(MEMBERS, {"unit": unit_id}, as_="clerk_sh")) == "OUT_OF_JURISDICTION"
    assert top_code(env.gql(MEMBERS, {"unit": unit_id}, as_="road_officer")) == "FORBIDDEN"
    assert (
        top_code(env.gql(MEMBERS, {"unit": unit_id, "first": 1000}, as_="li_account"))
        == "INVALID_INPUT"
    )
    assert top_code(env.gql(MEMBERS, {"unit": "x" * 40}, as_="li_account")) == "TOO_LONG"
    reads = audit_events(env, "unit_accounts.members")
    assert len(reads) == 1 and reads[0].actor_role == "CLERK"


def test_my_units_lists_only_units_where_the_measure_is_in_force(make_env):
    env = make_env(PLUGINS, now=AFTER)
    mine = env.data(MY_UNITS, as_="zhang_account")["myUnits"]
    assert [(u["unitId"], u["role"], u["canReplacePlates"]) for u in mine] == [
        (env.refs["unit"].id, "LEGAL_PERSON", True)
    ]
    assert env.data(MY_UNITS, as_="li_account")["myUnits"][0]["canReplacePlates"] is False
    # the old name answers the same list, deprecated
    old = env.data(MY_UNITS_DEPRECATED, as_="zhang_account")["unitAccountMyUnits"]
    assert old == [{"unitId": env.refs["unit"].id, "role": "LEGAL_PERSON"}]
    env.set_rollout("unit_accounts", "320100", enabled=False)
    assert env.data(MY_UNITS, as_="zhang_account")["myUnits"] == []
    assert top_code(env.gql(MY_UNITS)) == "UNAUTHENTICATED"


def test_before_the_measure_rollout_date_everything_is_refused(make_env):
    env = make_env(PLUGINS, now="2024-05-31")
    listing = env.gql(MEMBERS, {"unit": env.refs["unit"].id}, as_="li_account")
    assert top_code(listing) == "FEATURE_NOT_ENABLED"
    env.clock.set("2024-06-01")
    assert env.data(MEMBERS, {"unit": env.refs["unit"].id}, as_="li_account")
