"""The audit log: every mutation and refusal recorded, chain verifiable, tampering detected."""

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.audit import AuditEvent, verify_chain


def _events(env):
    with env.session() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()


def test_mutations_and_refusals_are_audited_and_chain_verifies(core_env):
    env = core_env
    env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    env.data('mutation { signIn(login: "13900000001", password: "bad") { token } }')
    env.gql(
        'mutation { rolloutSet(input: {measure: "x", city: "320100", enabled: true}) { measure } }',
        as_="zhang_account",
    )
    events = _events(env)
    assert [e.outcome for e in events] == ["OK", "REFUSED:BAD_CREDENTIALS", "REFUSED:FORBIDDEN"]
    assert events[2].actor_kind == "CITIZEN" and events[2].action == "core.rollout_write"
    assert verify_chain(env.platform.engine).ok


def test_staff_lookup_is_audited_and_visible_to_the_person(core_env):
    env = core_env
    zhang = env.refs["zhang"]
    body = env.data(
        'query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "窗口业务核验") { name idNumber } }',
        {"n": zhang.id_number},
        as_="clerk",
    )
    assert (
        body["personLookup"]["idNumber"] == zhang.id_number[:6] + "********" + zhang.id_number[-4:]
    )
    trail = env.data(
        "{ myAuditTrail(first: 10) { nodes { action actorRole purpose } } }", as_="zhang_account"
    )
    assert {
        "action": "core.person_lookup",
        "actorRole": "CLERK",
        "purpose": "窗口业务核验",
    } in trail["myAuditTrail"]["nodes"]
    for event in _events(env):
        assert zhang.id_number not in str(event.detail) and zhang.id_number not in (
            event.subject_ref or ""
        )


def test_unmasked_id_only_for_self_and_staff(core_env):
    env = core_env
    zhang = env.refs["zhang"]
    assert (
        env.data("{ me { person { idNumber(unmasked: true) } } }", as_="zhang_account")["me"][
            "person"
        ]["idNumber"]
        == zhang.id_number
    )
    q = 'query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "核验") { idNumber(unmasked: true) } }'
    assert (
        env.data(q, {"n": zhang.id_number}, as_="clerk")["personLookup"]["idNumber"]
        == zhang.id_number
    )
    body = env.gql(q, {"n": zhang.id_number}, as_="li_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "truncate_middle"])
def test_tampering_is_detected(core_env, tamper):
    env = core_env
    for _ in range(4):
        env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    engine = env.platform.engine
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses UPDATE/DELETE on audit_events (tested separately)")
    with engine.begin() as conn:
        if tamper == "edit":
            conn.execute(text("UPDATE audit_events SET outcome = 'REFUSED:X' WHERE seq = 2"))
        elif tamper == "delete" or tamper == "truncate_middle":
            conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        else:
            conn.execute(text("UPDATE audit_events SET seq = 99 WHERE seq = 2"))
            conn.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
            conn.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 99"))
    report = verify_chain(engine)
    assert not report.ok and report.first_broken_seq in (2, 3)


def test_postgres_refuses_update_and_delete(core_env):
    engine = core_env.platform.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    core_env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_events SET outcome = 'X'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))


def test_signed_checkpoint_detects_a_cut_off_tail(core_env):
    env = core_env
    if env.platform.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses DELETE on audit_events")
    for _ in range(3):
        env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    assert env.platform.jobs["audit_checkpoint"].run(env.platform, env.clock.now())["seq"] == 3
    assert verify_chain(env.platform.engine, keys=env.platform.keys).ok
    with env.platform.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM audit_events WHERE seq = 3")
        )  # the newest event: chain itself still links
    report = verify_chain(env.platform.engine, keys=env.platform.keys)
    assert not report.ok and "tail" in report.reason


def test_forged_checkpoint_signature_detected(core_env):
    env = core_env
    env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    env.platform.jobs["audit_checkpoint"].run(env.platform, env.clock.now())
    with env.platform.engine.begin() as conn:
        conn.execute(text("UPDATE audit_checkpoints SET signature = :s"), {"s": "00" * 64})
    report = verify_chain(env.platform.engine, keys=env.platform.keys)
    assert not report.ok and "signature" in report.reason


def test_cli_audit_verify(core_env, monkeypatch, capsys):
    from core import cli

    env = core_env
    env.data('mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }')
    monkeypatch.setattr(cli, "_platform", lambda load_demo=False: env.platform)
    assert cli.main(["audit-verify"]) == 0
    assert "audit chain intact: 1 events" in capsys.readouterr().out
