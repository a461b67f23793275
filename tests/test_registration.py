"""citizenRegister is no identity oracle (issue "Hardening, round 2", item 3).

Without signing in, it used to answer differently for "wrong name for this ID number", "this person
already has an account" and "this phone is already a login", and was limited only per phone (which
the caller chooses). Now every well-formed request gets one answer; the follow-up goes out of band
through the outbox; the account exists only once the SMS code is confirmed; limits apply per
client address, per ID number and per phone. Regression tests through the API, as a client sends.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core import accounts
from core.accounts import Account, Person
from core.audit import AuditEvent
from core.factory import region_for
from core.identity import make_id_number
from core.outbox import OutboxMessage

REGISTER = """mutation($t: String!, $n: String!, $name: String!, $p: String!, $pw: String!) {
  citizenRegister(idType: $t, idNumber: $n, name: $name, phone: $p, password: $pw) {
    accepted message errors { code message field rule } } }"""
CONFIRM = """mutation($p: String!, $c: String!) { citizenRegisterConfirm(phone: $p, code: $c) {
  accountId errors { code message field } } }"""
SIGN_IN = """mutation($l: String!, $p: String!) { signIn(login: $l, password: $p) {
  token errors { code } } }"""


def _new_id_number(seq: int) -> str:
    return make_id_number(region_for("320100"), dt.date(1993, 4, 5), 300 + seq)


def _register(env, number, name, phone, password="s3cret-pass", id_type="MAINLAND_ID"):
    variables = {"t": id_type, "n": number, "name": name, "p": phone, "pw": password}
    return env.post(REGISTER, variables)


def _messages(env):
    with env.session() as s:
        return s.exec(select(OutboxMessage).order_by(OutboxMessage.created_at)).all()


def _code_sent_to(env, phone):
    sent = [m for m in _messages(env) if m.phone == phone and m.template == "core.register.code"]
    assert sent, f"no code was sent to {phone}"
    return sent[-1].params["code"]


def _outcomes(env, action="core.register"):
    with env.session() as s:
        events = s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [e.outcome for e in events if e.action == action]


def _accounts(env):
    with env.session() as s:
        return {a.login for a in s.exec(select(Account)).all()}


def test_refusals_and_success_answer_the_same(core_env, monkeypatch):
    env = core_env
    zhang = env.refs["zhang"]
    hashes = []
    real_hash = accounts.hash_secret
    monkeypatch.setattr(
        "core.api.mutations.hash_secret", lambda s: hashes.append(1) or real_hash(s)
    )
    before = _accounts(env)
    cases = {
        "eligible": (_new_id_number(1), "刘洋", "13700000001"),
        "name mismatch": (zhang.id_number, "张三", "13700000002"),
        "already has an account": (zhang.id_number, "张伟", "13700000003"),
        "phone already a login": (_new_id_number(2), "赵敏", "13900000002"),  # 李娜's login
    }
    answers = {}
    for case, (number, name, phone) in cases.items():
        response = _register(env, number, name, phone)
        assert response.status_code == 200, case
        answers[case] = response.json()
        assert len(hashes) == 1, f"{case}: one password hash per request, whatever the verdict"
        hashes.clear()
    first = answers["eligible"]
    assert first["data"]["citizenRegister"]["accepted"] is True
    assert first["data"]["citizenRegister"]["errors"] == []
    for case, answer in answers.items():
        assert answer == first, f"{case} is distinguishable from a registration that can succeed"
    # nothing became a login yet: the account exists only after the SMS code is confirmed
    assert _accounts(env) == before
    # the audit log (internal) keeps the true verdicts
    assert _outcomes(env) == [
        "OK",
        "REFUSED:NAME_MISMATCH",
        "REFUSED:HAS_ACCOUNT",
        "REFUSED:PHONE_TAKEN",
    ]


def test_follow_up_goes_out_of_band(core_env):
    env = core_env
    zhang, li = env.refs["zhang"], env.refs["li"]
    _register(env, _new_id_number(1), "刘洋", "13700000001")
    _register(env, zhang.id_number, "张三", "13700000002")
    _register(env, zhang.id_number, "张伟", "13700000003")
    _register(env, _new_id_number(2), "赵敏", "13900000002")
    sent = [(m.channel, m.person_id, m.phone, m.template) for m in _messages(env)]
    assert sent == [
        ("SMS", None, "13700000001", "core.register.code"),  # the caller's phone: a code
        ("SMS", zhang.id, None, "core.register.identity_used"),  # the ID's owner is told
        ("SMS", zhang.id, None, "core.register.already_registered"),
        ("SMS", li.id, None, "core.register.phone_in_use"),  # the login's owner is told
    ]
    # the callers of the three refusals got nothing at the phone they gave
    assert not [m for m in _messages(env) if m.phone in ("13700000002", "13700000003")]


def test_confirm_with_the_sms_code_opens_the_account(core_env):
    env = core_env
    number = _new_id_number(3)
    _register(env, number, "刘洋", "13700000009", password="my-new-pass")
    assert env.data(SIGN_IN, {"l": "13700000009", "p": "my-new-pass"})["signIn"]["token"] is None
    code = _code_sent_to(env, "13700000009")
    typed = " ".join(chr(ord(d) + 0xFEE0) for d in code)  # full-width digits, spaced: one code
    out = env.data(CONFIRM, {"p": "13700000009", "c": typed})["citizenRegisterConfirm"]
    assert out["errors"] == [] and out["accountId"]
    token = env.data(SIGN_IN, {"l": "13700000009", "p": "my-new-pass"})["signIn"]["token"]
    me = env.data("{ me { kind roles } }", as_=token)["me"]
    assert me == {"kind": "CITIZEN", "roles": ["CITIZEN"]}
    # the code is spent
    again = env.data(CONFIRM, {"p": "13700000009", "c": code})["citizenRegisterConfirm"]
    assert again["errors"][0]["code"] == "BAD_CREDENTIALS"
    assert _outcomes(env, "core.register_confirm") == ["OK", "REFUSED:BAD_CODE"]


def test_wrong_expired_and_unknown_codes_answer_alike(core_env):
    env = core_env
    _register(env, _new_id_number(4), "刘洋", "13700000010")
    code = _code_sent_to(env, "13700000010")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    bad = env.data(CONFIRM, {"p": "13700000010", "c": wrong})["citizenRegisterConfirm"]
    unknown = env.data(CONFIRM, {"p": "13700000099", "c": code})["citizenRegisterConfirm"]
    # a refused registration (name mismatch) never sent a code: same answer
    _register(env, env.refs["zhang"].id_number, "张三", "13700000011")
    refused = env.data(CONFIRM, {"p": "13700000011", "c": code})["citizenRegisterConfirm"]
    assert bad == unknown == refused
    assert bad["errors"][0]["code"] == "BAD_CREDENTIALS" and bad["accountId"] is None
    env.clock.advance(dt.timedelta(minutes=11))
    expired = env.data(CONFIRM, {"p": "13700000010", "c": code})["citizenRegisterConfirm"]
    assert expired == bad
    assert "13700000010" not in _accounts(env)


def test_five_wrong_codes_use_the_request_up(core_env):
    env = core_env
    _register(env, _new_id_number(5), "刘洋", "13700000012")
    code = _code_sent_to(env, "13700000012")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        out = env.data(CONFIRM, {"p": "13700000012", "c": wrong})["citizenRegisterConfirm"]
        assert out["errors"][0]["code"] == "BAD_CREDENTIALS"
    out = env.data(CONFIRM, {"p": "13700000012", "c": code})["citizenRegisterConfirm"]
    assert out["errors"][0]["code"] == "BAD_CREDENTIALS" and out["accountId"] is None
    assert "13700000012" not in _accounts(env)


def test_a_newer_request_for_the_phone_replaces_the_older_code(core_env):
    env = core_env
    _register(env, _new_id_number(6), "刘洋", "13700000013")
    old = _code_sent_to(env, "13700000013")
    _register(env, _new_id_number(6), "刘洋", "13700000013")
    new = _code_sent_to(env, "13700000013")
    if old != new:
        out = env.data(CONFIRM, {"p": "13700000013", "c": old})["citizenRegisterConfirm"]
        assert out["errors"][0]["code"] == "BAD_CREDENTIALS"
    out = env.data(CONFIRM, {"p": "13700000013", "c": new})["citizenRegisterConfirm"]
    assert out["errors"] == [] and out["accountId"]


def test_confirm_refuses_when_the_identity_got_an_account_meanwhile(core_env):
    env = core_env
    number = _new_id_number(7)
    _register(env, number, "刘洋", "13700000014")
    _register(env, number, "刘洋", "13700000015")  # both eligible: no account yet
    first = env.data(CONFIRM, {"p": "13700000014", "c": _code_sent_to(env, "13700000014")})[
        "citizenRegisterConfirm"
    ]
    assert first["errors"] == []
    second = env.data(CONFIRM, {"p": "13700000015", "c": _code_sent_to(env, "13700000015")})[
        "citizenRegisterConfirm"
    ]
    assert second["errors"][0]["code"] == "CONFLICT" and second["accountId"] is None
    assert "13700000015" not in _accounts(env)
    assert _outcomes(env, "core.register_confirm") == ["OK", "REFUSED:HAS_ACCOUNT"]


def test_limited_per_id_number_whatever_the_phone(core_env):
    env = core_env
    zhang = env.refs["zhang"]
    for i in range(3):
        body = _register(env, zhang.id_number, "甲乙丙"[i] + "名", f"1370000002{i}").json()
        assert body["data"]["citizenRegister"]["accepted"] is True
    body = _register(env, zhang.id_number, "丁名", "13700000029").json()["data"]["citizenRegister"]
    assert body["accepted"] is None
    assert body["errors"][0]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["field"] == "idNumber"


def test_limited_per_client_whatever_the_id_number_and_phone(core_env):
    env = core_env
    for i in range(10):
        body = _register(env, _new_id_number(10 + i), "刘洋", f"137000001{i:02d}").json()
        assert body["data"]["citizenRegister"]["accepted"] is True, i
    body = _register(env, _new_id_number(30), "刘洋", "13700000200").json()
    refused = body["data"]["citizenRegister"]
    assert refused["accepted"] is None and refused["errors"][0]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize(
    ("number", "phone", "password", "field"),
    [
        ("123", "13700000001", "s3cret-pass", "idNumber"),
        (None, "1370000", "s3cret-pass", "phone"),
        (None, "13700000001", "short", "password"),
    ],
)
def test_malformed_input_is_a_typed_refusal(core_env, number, phone, password, field):
    env = core_env
    body = _register(env, number or _new_id_number(40), "刘洋", phone, password).json()
    out = body["data"]["citizenRegister"]
    assert out["accepted"] is None and out["errors"][0]["field"] == field
    assert _messages(env) == []


def test_a_person_on_file_is_not_claimed_by_knowing_their_name_and_number(core_env):
    """Review finding: the clerk's person record (no citizen account) could be claimed with the
    name and ID number alone, the code going to the caller's phone. Now the code goes to the
    phone on file; the caller's phone gets nothing and the same answer."""
    env = core_env
    clerk = env.refs["clerk"]
    with env.session() as s:
        person = s.get(Person, clerk.person_id)
    answer = _register(env, person.id_number, person.name, "13700000077").json()
    assert answer["data"]["citizenRegister"]["accepted"] is True
    assert not [m for m in _messages(env) if m.phone == "13700000077"]
    sent = [m for m in _messages(env) if m.person_id == person.id]
    assert [m.template for m in sent] == ["core.register.code_on_file"]
    assert sent[0].params["phone"] == "137****0077"
    # the owner, holding the phone on file, confirms with the code it received
    out = env.data(CONFIRM, {"p": "13700000077", "c": sent[0].params["code"]})
    assert out["citizenRegisterConfirm"]["errors"] == []
    assert _outcomes(env) == ["OK"]


def test_a_person_on_file_with_no_phone_must_go_to_a_window(core_env):
    env = core_env
    clerk = env.refs["clerk"]
    with env.session() as s:
        person = s.get(Person, clerk.person_id)
        person.phone = None
        s.add(person)
        s.commit()
        number, name = person.id_number, person.name
    answer = _register(env, number, name, "13700000078").json()
    assert answer["data"]["citizenRegister"]["accepted"] is True
    assert not [m for m in _messages(env) if m.template.startswith("core.register.code")]
    assert _outcomes(env) == ["REFUSED:NO_CONTACT"]


def test_a_birth_date_after_today_is_refused(core_env):
    """An 18-digit number whose birth date is after the platform clock's today belongs to nobody
    living: refused with INVALID_ID_NUMBER (audited as refused), no account and no code sent."""
    env = core_env
    today = env.platform.clock.today()
    unborn = make_id_number(region_for("320100"), today + dt.timedelta(days=1), 301)
    born_today = make_id_number(region_for("320100"), today, 302)
    before = _accounts(env)
    refused = _register(env, unborn, "刘洋", "13700000011").json()["data"]["citizenRegister"]
    assert refused["accepted"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_ID_NUMBER", "idNumber")
    ]
    assert _outcomes(env) == ["REFUSED:INVALID_ID_NUMBER"]
    accepted = _register(env, born_today, "刘洋", "13700000012").json()["data"]["citizenRegister"]
    assert accepted["accepted"] is True, accepted
    assert _accounts(env) == before
