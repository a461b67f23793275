"""The audit log as a transparency log: every mutation and refusal recorded in its province's log,
integrated by the sequencer, provable to the citizen offline, tampering detected."""

import contextlib
import datetime as dt
import sqlite3
import threading

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from core.audit import AuditEvent, AuditLeaf, AuditTreeHead, sequence_all, verify_logs
from core.errors import CORE_RULES, Code
from verifier.audit import (
    AuditKeys,
    check_consistency,
    check_event,
    verify_consistency,
    verify_tree_head,
)

SIGN_IN = 'mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }'
LOOKUP_ZHANG = (
    'query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "窗口业务核验") '
    "{ name } }"
)
TRAIL = """{ myAuditTrail(first: 20) { nodes { uid logId action actorRole purpose entry
  inclusion { logId leafIndex leafHash treeSize auditPath treeHead } } } }"""


def _events(env):
    with env.session() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()


def _sequence(env):
    return sequence_all(env.platform.engine, env.platform.keys, env.clock.now())


def _verify(env, **kwargs):
    return verify_logs(env.platform.engine, env.clock.now(), **kwargs)


def _keys(env):
    return AuditKeys.from_jwks(env.http.get("/.well-known/jwks.json").json())


def _sqlite_only(env):
    """Tampering tests: PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the log tables (and
    values of the wrong type), which test_postgres_refuses_changes checks."""
    if env.platform.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses changes to the log tables (test_postgres_refuses_changes)")


def _tamper(env, *statements):
    """Run SQL `statements` against the log tables, as someone with database access would."""
    with env.platform.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_mutations_and_refusals_are_audited_in_the_callers_log(core_env):
    env = core_env
    env.data(SIGN_IN)
    env.data('mutation { signIn(login: "13900000001", password: "bad") { token } }')
    env.gql(
        'mutation { rolloutSet(input: {measure: "x", city: "320100", enabled: true}) { measure } }',
        as_="zhang_account",
    )
    env.gql(
        'mutation { rolloutSet(input: {measure: "x", city: "320100", enabled: true}) { measure } }',
        as_="province_admin",
    )
    events = _events(env)
    outcomes = [e.outcome for e in events]
    assert outcomes == [
        "OK",
        "REFUSED:BAD_CREDENTIALS",
        "REFUSED:FORBIDDEN",
        "REFUSED:UNKNOWN_MEASURE",
    ]
    # anonymous callers write to the national log, a Nanjing citizen and Jiangsu staff to Jiangsu's
    assert [e.log_id for e in events] == ["national", "national", "320000", "320000"]
    assert events[2].actor_kind == "CITIZEN" and events[2].action == "core.rollout_set"
    assert all(e.txn == 0 for e in events) or env.platform.engine.dialect.name == "postgresql"
    done = {r.log_id: r.added for r in _sequence(env)}
    assert done == {"national": 2, "320000": 2}
    report = _verify(env)
    assert report.ok and report.events == 4


def test_a_citizen_proves_offline_who_looked_at_them(core_env):
    """The staff look-up shows in the citizen's trail with an inclusion proof that the standalone
    verifier checks against the signed tree head and the published audit key."""
    env = core_env
    zhang = env.refs["zhang"]
    env.data(
        'query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "窗口业务核验") { name } }',
        {"n": zhang.id_number},
        as_="clerk",
    )
    nodes = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    lookup = next(n for n in nodes if n["action"] == "core.person_lookup")
    assert lookup["actorRole"] == "CLERK" and lookup["purpose"] == "窗口业务核验"
    assert lookup["inclusion"] is None  # not integrated yet
    _sequence(env)
    nodes = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    lookup = next(n for n in nodes if n["action"] == "core.person_lookup")
    ok, head, reason = check_event(lookup["entry"], lookup["inclusion"], _keys(env))
    assert ok, reason
    assert head.log_id == "320000" and head.tree_size == lookup["inclusion"]["treeSize"]
    # a changed entry, a changed path or a forged head does not verify
    forged_entry = lookup["entry"].replace("CLERK", "ROAD_OFFICER")
    assert not check_event(forged_entry, lookup["inclusion"], _keys(env))[0]
    if lookup["inclusion"]["auditPath"]:
        bad = dict(
            lookup["inclusion"], auditPath=["00" * 32] * len(lookup["inclusion"]["auditPath"])
        )
        assert not check_event(lookup["entry"], bad, _keys(env))[0]
    for event in _events(env):
        assert zhang.id_number not in str(event.detail) and zhang.id_number not in (
            event.subject_ref or ""
        )


def test_the_verifier_readme_example_runs(core_env):
    """verifier/README.md's audit example, run as written on a real trail and proofs: two staff
    look-ups of 张伟, a tree head kept after the first, a consistency proof after the second."""
    import re
    from pathlib import Path

    env = core_env
    lookup = (
        'query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n, purpose: "核验") '
        "{ name } }"
    )
    env.data(lookup, {"n": env.refs["zhang"].id_number}, as_="clerk")
    _sequence(env)
    kept = env.data('{ auditTreeHead(logId: "320000") { treeSize signed } }')["auditTreeHead"]
    env.data(lookup, {"n": env.refs["zhang"].id_number}, as_="clerk")
    _sequence(env)
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]
    answer = env.data(
        'query($f: BigInt!) { auditConsistencyProof(logId: "320000", fromSize: $f) '
        "{ proof toHead } }",
        {"f": kept["treeSize"]},
    )["auditConsistencyProof"]
    assert answer["proof"], "the log grew after the kept head"
    readme = (Path(__file__).parent.parent / "verifier" / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "check_event" in b)
    trail["nodes"] = [n for n in trail["nodes"] if n["inclusion"]]
    assert len(trail["nodes"]) >= 2
    namespace = {
        "jwks_json": env.http.get("/.well-known/jwks.json").text,
        "trail": trail,
        "kept_head": kept["signed"],
        "answer": answer,
        "print": lambda *args: failed.append(args),  # the example prints what fails
    }
    failed: list[tuple] = []
    exec(compile(block, "verifier/README.md", "exec"), namespace)  # noqa: S102
    assert failed == []
    # the same example on a tampered answer or trail reports, and never raises
    keys = _keys(env)
    ok, reason = check_consistency(kept["signed"], dict(answer, proof=["00" * 32]), keys)
    assert not ok and "does not extend" in reason
    assert check_consistency(kept["signed"], None, keys) == (
        False,
        "no proof (no signed tree head of one of the sizes asked for)",
    )
    assert not check_consistency(kept["signed"], {"proof": "x", "toHead": "TH1:zz"}, keys)[0]
    assert not check_consistency(answer["toHead"], dict(answer, toHead=kept["signed"]), keys)[0]
    # the kept head as the AuditTreeHead object, or as the TreeHead a check gave: the same answer
    from verifier.audit import verify_tree_head

    assert check_consistency(kept, answer, keys) == check_consistency(kept["signed"], answer, keys)
    assert check_consistency(verify_tree_head(kept["signed"], keys), answer, keys)[0]
    assert not check_consistency({"signed": None}, answer, keys)[0]
    node = trail["nodes"][0]
    assert check_event(node["entry"], None, keys)[2].startswith("no inclusion proof yet")
    forged = dict(node["inclusion"], treeHead=node["inclusion"]["treeHead"][:-4] + "AAAA")
    assert check_event(node["entry"], forged, keys)[2].startswith("tree head not accepted")
    assert not check_event(None, node["inclusion"], keys)[0]
    assert not check_event(node["entry"], dict(node["inclusion"], leafIndex="x"), keys)[0]


def test_tree_heads_and_consistency_proofs_are_public(core_env):
    env = core_env
    env.data(SIGN_IN)
    _sequence(env)
    first = env.data('{ auditTreeHead(logId: "national") { treeSize rootHash signed } }')
    for _ in range(5):
        env.data(SIGN_IN)
    _sequence(env)
    heads = env.data("{ auditTreeHeads { logId treeSize rootHash signed } }")["auditTreeHeads"]
    latest = next(h for h in heads if h["logId"] == "national")
    assert latest["treeSize"] == 6
    keys = _keys(env)
    signed = verify_tree_head(latest["signed"], keys)
    assert signed.root_hash.hex() == latest["rootHash"] and signed.tree_size == 6
    proof = env.data(
        'query($f: BigInt!) { auditConsistencyProof(logId: "national", fromSize: $f) '
        "{ fromSize toSize proof fromHead toHead } }",
        {"f": first["auditTreeHead"]["treeSize"]},
    )["auditConsistencyProof"]
    old = verify_tree_head(proof["fromHead"], keys)
    new = verify_tree_head(proof["toHead"], keys)
    assert verify_consistency(
        old.tree_size,
        new.tree_size,
        old.root_hash,
        new.root_hash,
        [bytes.fromhex(h) for h in proof["proof"]],
    )
    bad = env.gql('{ auditTreeHead(logId: "moon") { treeSize } }')
    assert bad["errors"][0]["extensions"] == {
        "code": "INVALID_INPUT",
        "field": "logId",
        "rule": CORE_RULES[Code.INVALID_INPUT],
    }
    bad = env.gql('{ auditInclusionProof(logId: "national", leafHash: "zz") { treeSize } }')
    assert bad["errors"][0]["extensions"]["field"] == "leafHash"
    backwards = env.gql(
        '{ auditConsistencyProof(logId: "national", fromSize: 6, toSize: 1) { proof } }'
    )
    assert backwards["errors"][0]["extensions"] == {
        "code": "INVALID_INPUT",
        "field": "fromSize",
        "rule": "RFC 9162 §2.1.4",
    }


TRAIL_PAGE = """query($f: Int!, $a: String) { myAuditTrail(first: $f, after: $a) {
  totalCount nodes { uid } pageInfo { hasNextPage endCursor } } }"""
LOOKUP = """query($n: String!) { personLookup(idType: "MAINLAND_ID", idNumber: $n,
  purpose: "窗口业务核验") { name } }"""


@pytest.mark.parametrize(
    "cursor",
    ["k:9223372036854775808", "k:99999999999999999999", "k:-1", "k:2\n", "k: 2", "o:2", "x:2"],
)
def test_a_cursor_this_server_never_gave_is_refused_not_a_500(core_env, cursor):
    """A key past any BIGINT (once an OverflowError in the database driver: INTERNAL_ERROR), a
    cursor with stray characters, or an offset cursor of another list: INVALID_INPUT on `after`."""
    import base64

    env = core_env
    for _ in range(3):
        env.data(LOOKUP, {"n": env.refs["zhang"].id_number}, as_="clerk")
    body = env.gql(
        TRAIL_PAGE,
        {"f": 2, "a": base64.urlsafe_b64encode(cursor.encode()).decode()},
        as_="zhang_account",
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT", body
    assert body["errors"][0]["extensions"]["field"] == "after"


def test_the_trail_pages_by_key_so_new_events_never_repeat(core_env):
    """The cursor stands for the last event seen (keyset, by seq), not an offset: events added
    while the citizen pages (newest first) do not shift the next page."""
    env = core_env
    number = env.refs["zhang"].id_number
    for _ in range(5):
        env.data(LOOKUP, {"n": number}, as_="clerk")
    first = env.data(TRAIL_PAGE, {"f": 3}, as_="zhang_account")["myAuditTrail"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    for _ in range(2):  # two more look-ups meanwhile
        env.data(LOOKUP, {"n": number}, as_="clerk")
    cursor = first["pageInfo"]["endCursor"]
    rest = env.data(TRAIL_PAGE, {"f": 3, "a": cursor}, as_="zhang_account")["myAuditTrail"]
    seen = [n["uid"] for n in first["nodes"]]
    assert rest["totalCount"] == 7 and len(rest["nodes"]) == 2
    assert not {n["uid"] for n in rest["nodes"]} & set(seen)
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["pageInfo"]["endCursor"]}
    everything = env.data(TRAIL_PAGE, {"f": 20}, as_="zhang_account")["myAuditTrail"]["nodes"]
    uids = [n["uid"] for n in everything]
    assert uids[2:] == seen + [n["uid"] for n in rest["nodes"]]  # newest first, nothing lost


def _four_sequenced_events(env):
    for _ in range(4):
        env.data(SIGN_IN)
    _sequence(env)
    assert _verify(env).ok


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("edit", "event seq 2 was changed after it was logged"),
        ("delete", "the event of leaf 1 (seq 2) was deleted"),
        ("reorder", "leaf 1 now points to the event of leaf 2 (seq 2): the log was reordered"),
        ("move_log", "event seq 2 was moved to log 320000"),
        ("bad_time", "event seq 2 was changed after it was logged (its time or detail no longer"),
        ("bad_detail", "event seq 2 was changed after it was logged (its time or detail no lon"),
    ],
)
def test_tampering_with_a_sequenced_event_is_named(core_env, tamper, reason):
    env = core_env
    _four_sequenced_events(env)
    engine = env.platform.engine
    _sqlite_only(env)
    with engine.begin() as conn:
        if tamper == "edit":
            conn.execute(text("UPDATE audit_events SET outcome = 'REFUSED:X' WHERE seq = 2"))
        elif tamper == "delete":
            conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        elif tamper == "move_log":
            conn.execute(text("UPDATE audit_events SET log_id = '320000' WHERE seq = 2"))
        elif tamper == "bad_time":  # a time that no longer parses: named, not a crash
            conn.execute(text("UPDATE audit_events SET at = replace(at, '.', '1.') WHERE seq = 2"))
        elif tamper == "bad_detail":
            conn.execute(text("UPDATE audit_events SET detail = '{not json' WHERE seq = 2"))
        else:  # swap the contents of events 2 and 3
            conn.execute(text("UPDATE audit_events SET seq = 99 WHERE seq = 2"))
            conn.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
            conn.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 99"))
    report = _verify(env)
    broken = next(log for log in report.logs if log.log_id == "national")
    assert not broken.ok and broken.broken_at == 1
    assert broken.reason.startswith(reason), broken.reason
    if tamper == "move_log":  # the log it was moved to is stuck, and says why
        stuck = next(log for log in report.logs if log.log_id == "320000")
        assert stuck.reason == (
            "event seq 2 is leaf 1 of log national: it was moved; the sequencer will not extend "
            "this log"
        )
        assert [log.log_id for log in report.logs if not log.ok] == ["320000", "national"]
    else:
        assert report.first_broken is broken


def test_the_sequencer_uses_the_writers_leaf_hash_and_hashes_older_events_itself(core_env):
    """Each event is stored with its leaf hash (SHA-256(0x00 ‖ entry)); events written before
    migration core_0010 have none, and the sequencer computes theirs: the leaves are the same."""
    from core.audit import entry_bytes, merkle

    env = core_env
    for _ in range(3):
        env.data(SIGN_IN)
    events = _events(env)
    assert [bytes(e.leaf_hash) for e in events] == [
        merkle.leaf_hash(entry_bytes(e)) for e in events
    ]
    if env.platform.engine.dialect.name != "postgresql":  # PostgreSQL refuses the UPDATE
        # as an event written before core_0010
        _tamper(env, "UPDATE audit_events SET leaf_hash = NULL WHERE seq = 2")
    _sequence(env)
    with env.session() as s:
        leaves = s.exec(select(AuditLeaf).order_by(AuditLeaf.leaf_index)).all()
    assert [(leaf.event_seq, bytes(leaf.leaf_hash)) for leaf in leaves] == [
        (e.seq, bytes(e.leaf_hash)) for e in events
    ]
    assert _verify(env).ok


def test_a_stored_leaf_hash_that_is_not_the_events_is_caught(core_env):
    """The writer's leaf hash is not trusted: one forged before sequencing (the event's other
    columns untouched) is integrated, and audit-verify, which recomputes every entry, names it."""
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
    _tamper(env, "UPDATE audit_events SET leaf_hash = zeroblob(32) WHERE seq = 2")
    _sequence(env)
    broken = _verify(env).first_broken
    assert broken is not None and broken.broken_at == 1
    assert broken.reason.startswith("event seq 2 was changed after it was logged"), broken.reason


def test_an_event_edited_after_its_writer_hashed_it_is_named_once_logged(core_env):
    """The sequencer takes a waiting event's leaf hash as its writer stored it and does not read
    its detail (that is what makes it fast); an event edited while it waits is therefore logged
    with the hash of what was written, and audit-verify, which recomputes every entry, names it."""
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
    _tamper(env, "UPDATE audit_events SET detail = '{bad' WHERE seq = 2")
    assert _verify(env).first_broken.reason.startswith("event seq 2, waiting to be integrated")
    _sequence(env)
    broken = _verify(env).first_broken
    assert broken is not None and broken.broken_at == 1
    assert broken.reason.startswith("event seq 2 was changed after it was logged"), broken.reason


def test_a_waiting_event_edited_is_named_before_it_is_logged(core_env):
    """An edit that still reads (an outcome changed) no longer gives the leaf hash its writer
    stored: audit-verify names it while it waits, before the sequencer logs the written hash."""
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
    _tamper(env, "UPDATE audit_events SET outcome = 'REFUSED:X' WHERE seq = 2")
    report = _verify(env)
    assert report.first_broken.reason == (
        "event seq 2, waiting to be integrated, was changed after it was written (it no longer "
        "gives the leaf hash stored with it)"
    )
    assert report.first_broken.pending == 3


def test_a_damaged_log_does_not_take_the_others_down(core_env):
    """A stored subtree missing in one log, a tree head's stored time that no longer reads in
    another: each is named by audit-verify, the proofs of the damaged log are refused with a
    typed error, and everything else (other logs' heads, proofs, trail, sequencing) answers."""
    env = core_env
    _sqlite_only(env)
    for _ in range(2):  # national (Zhang's sign-ins): heads of size 2 and 4; 320000: 1, then 2
        env.data(SIGN_IN)
        env.data(SIGN_IN)
        env.data(LOOKUP_ZHANG, {"n": env.refs["zhang"].id_number}, as_="clerk")
        _sequence(env)
    with env.session() as s:
        leaf0 = s.exec(
            select(AuditLeaf).where(AuditLeaf.log_id == "national", AuditLeaf.leaf_index == 0)
        ).one()
    signed_at = env.data('{ auditTreeHead(logId: "320000", treeSize: 1) { timestamp } }')
    _tamper(
        env,
        "DELETE FROM audit_nodes WHERE log_id = 'national' AND level = 1 AND idx = 1",
        "UPDATE audit_tree_heads SET at = 'garbage' WHERE log_id = '320000' AND tree_size = 1",
    )
    heads = env.data("{ auditTreeHeads { logId treeSize } }")["auditTreeHeads"]
    assert sorted((h["logId"], h["treeSize"]) for h in heads) == [("320000", 2), ("national", 4)]
    assert env.data('{ auditTreeHead(logId: "320000", treeSize: 1) { timestamp } }') == signed_at
    for query in (
        f'{{ auditInclusionProof(logId: "national", leafHash: "{leaf0.leaf_hash.hex()}") {{ treeSize }} }}',
        '{ auditConsistencyProof(logId: "national", fromSize: 2) { proof } }',
    ):
        error = env.gql(query)["errors"][0]
        assert error["extensions"]["code"] == Code.AUDIT_LOG_DAMAGED, error
        assert error["extensions"]["field"] == "logId"
        assert error["message"].startswith("Log national cannot answer this now")
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    by_log = {(n["logId"], n["inclusion"] is not None) for n in trail}
    assert by_log == {("320000", True), ("national", False)}  # the damaged log's: no proof
    env.data(SIGN_IN)
    env.data(LOOKUP_ZHANG, {"n": env.refs["zhang"].id_number}, as_="clerk")
    done = {r.log_id: r for r in _sequence(env)}
    assert done["320000"].added == 1 and done["national"].added == 1
    reasons = {log.log_id: log.reason for log in _verify(env).logs}
    assert reasons == {
        "320000": "the stored time of the tree head of size 1 no longer reads",
        "national": "the stored subtree over leaves 2-3 is missing (proofs over them cannot be given)",
    }


def test_a_head_time_that_is_not_the_signed_one_is_named(core_env):
    """The stored time of a head is an unsigned copy of the signed timestamp: moved (a valid
    time, a day earlier), it no longer agrees with the signature, which audit-verify names."""
    env = core_env
    _sqlite_only(env)
    env.data(SIGN_IN)
    _sequence(env)
    assert _verify(env).ok
    _tamper(env, "UPDATE audit_tree_heads SET at = datetime(at, '-1 day') WHERE tree_size = 1")
    broken = _verify(env).first_broken
    assert broken.reason == "the stored time of the tree head of size 1 differs from the signed one"


def test_a_changed_leaf_hash_is_told_from_a_changed_event(core_env):
    """A leaf row whose hash was changed, its event untouched: the event still gives the hash
    its writer stored with it, so audit-verify names the leaf, not the event."""
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
    _sequence(env)
    _tamper(env, "UPDATE audit_leaves SET leaf_hash = zeroblob(32) WHERE leaf_index = 1")
    broken = _verify(env).first_broken
    assert broken is not None and broken.broken_at == 1
    assert broken.reason == (
        "the stored hash of leaf 1 was changed (event seq 2 still gives the hash it was written "
        "with)"
    )


ROLLOUT = (
    'mutation { rolloutSet(input: {measure: "x", city: "320100", enabled: true}) { measure } }'
)


def _two_logs_waiting(env):
    """Events sequenced in both logs (national: seq 1 and 3, 320000: seq 2), then one more
    waiting in each: 320000's seq 4, then national's seq 5."""
    env.data(SIGN_IN)
    env.gql(ROLLOUT, as_="zhang_account")  # a Nanjing citizen: Jiangsu's log
    env.data(SIGN_IN)
    _sequence(env)
    env.gql(ROLLOUT, as_="zhang_account")
    env.data(SIGN_IN)


@pytest.mark.parametrize(
    ("tamper", "refused"),
    [
        ("UPDATE audit_events SET leaf_hash = 'not-a-hash' WHERE seq = 4", None),
        ("UPDATE audit_events SET leaf_hash = x'0102030405' WHERE seq = 4", None),
        (
            "UPDATE audit_events SET leaf_hash = NULL, detail = '{bad' WHERE seq = 4",
            "log 320000: event seq 4 no longer reads (its time or detail)",
        ),
        (
            "UPDATE audit_events SET leaf_hash = NULL, at = 'garbage' WHERE seq = 4",
            "log 320000: event seq 4 no longer reads (its time)",
        ),
        (  # the time is read (and is part of the entry) even where the writer's hash is kept
            "UPDATE audit_events SET at = 'yesterday' WHERE seq = 4",
            "log 320000: event seq 4 no longer reads (its time)",
        ),
        (
            "UPDATE audit_events SET log_id = '320000' WHERE seq = 3",
            "log 320000: event seq 3 is leaf 1 of log national: it was moved",
        ),
        (
            "DELETE FROM audit_tree_heads WHERE log_id = '320000' AND tree_size = 1",
            "log 320000: event seq 2 is leaf 0 already, beyond the newest signed tree head "
            "(size 0): a tree head was deleted",
        ),
    ],
)
def test_a_damaged_log_is_refused_in_one_line_and_the_others_go_on(core_env, tamper, refused):
    """A stored leaf hash that is not 32 bytes is recomputed from its event; an event that no
    longer reads, or one integrated already, stops its log (said once, no traceback), while the
    other logs are integrated."""
    env = core_env
    _sqlite_only(env)
    _two_logs_waiting(env)
    _tamper(env, tamper)
    done = {r.log_id: r for r in _sequence(env)}
    assert done["national"].refused is None and done["national"].added >= 1
    if refused is None:  # recomputed: the log is whole
        assert done["320000"].added == 1 and done["320000"].refused is None
        assert _verify(env).ok
    else:
        assert (done["320000"].added, done["320000"].refused) == (0, refused)
        # audit-verify names what is broken (a moved event: in the log it left, and in the log
        # it holds back), a waiting event that no longer reads included
        moved = "it was moved" in refused
        broken = [log.log_id for log in _verify(env).logs if not log.ok]
        assert broken == (["320000", "national"] if moved else ["320000"])


def test_the_embedded_sequencer_says_a_refusal_once(core_env, caplog):
    from core.audit.sequencer import AuditSequencer

    env = core_env
    _sqlite_only(env)
    _two_logs_waiting(env)
    _tamper(env, "UPDATE audit_events SET leaf_hash = NULL, detail = '{' WHERE seq = 4")
    sequencer = AuditSequencer(env.platform)
    with caplog.at_level("ERROR", logger="traffic.audit"):
        for _ in range(3):
            sequencer.run_once()
    assert [r.getMessage() for r in caplog.records] == [
        "audit log not extended: log 320000: event seq 4 no longer reads (its time or detail); "
        "run audit-verify"
    ]
    assert caplog.records[0].exc_info is None  # one line, no traceback


def test_leaves_no_signed_head_covers_are_detected(core_env):
    """The newest tree head deleted: its leaves are covered by no signed head, which audit-verify
    names (they could be rewritten unnoticed by anyone holding only the database's heads)."""
    env = core_env
    _sqlite_only(env)
    for _ in range(2):
        env.data(SIGN_IN)
        _sequence(env)
    _tamper(env, "DELETE FROM audit_tree_heads WHERE tree_size = 2")
    broken = _verify(env).first_broken
    assert broken is not None and broken.broken_at == 1
    assert broken.reason == (
        "leaves 1-1 are covered by no signed tree head (the newest has 1 entries): "
        "a tree head was deleted"
    )


def test_a_tree_head_deleted_from_the_middle_is_detected(core_env):
    """Each head records the size of the head it extended (core_0012): a head deleted from the
    middle of the log leaves a gap that audit-verify names, although every leaf is still covered
    by a later head (a citizen who kept that head could no longer get a consistency proof)."""
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
        _sequence(env)
    with env.session() as s:
        heads = s.exec(select(AuditTreeHead).order_by(AuditTreeHead.tree_size)).all()
    assert [(h.previous_size, h.tree_size) for h in heads] == [(0, 1), (1, 2), (2, 3)]
    _tamper(env, "DELETE FROM audit_tree_heads WHERE tree_size = 2")
    broken = _verify(env).first_broken
    assert broken is not None and broken.log_id == "national"
    assert broken.broken_at is None
    assert broken.reason == (
        "the tree head of size 3 extended one of size 2, but the head before it has size 1 (a "
        "head was deleted, or the recorded size was changed)"
    )
    # an entry broken too: it is named first
    _tamper(env, "UPDATE audit_events SET outcome = 'REFUSED:X' WHERE seq = 2")
    broken = _verify(env).first_broken
    assert (broken.broken_at, broken.reason) == (1, "event seq 2 was changed after it was logged")


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (  # the gap hidden by dropping the record of the head after it
            "DELETE FROM audit_tree_heads WHERE tree_size = 2; "
            "UPDATE audit_tree_heads SET previous_size = NULL WHERE tree_size = 3",
            "the tree head of size 3 records no previous size, although earlier heads do (its "
            "record was changed)",
        ),
        (
            "UPDATE audit_tree_heads SET previous_size = 1 WHERE tree_size = 3",
            "the tree head of size 3 extended one of size 1, but the head before it has size 2 (a "
            "head was deleted, or the recorded size was changed)",
        ),
        (  # where the sequencer resumes is not signed: moved on, it would skip events silently
            "UPDATE audit_tree_heads SET last_seq = 999999 WHERE tree_size = 3",
            "the newest tree head says its last event is (txn 0, seq 999999), but its last leaf "
            "is event (txn 0, seq 3): the sequencer would resume in the wrong place and skip or "
            "repeat events",
        ),
    ],
)
def test_the_unsigned_records_of_the_heads_are_checked(core_env, tamper, reason):
    env = core_env
    _sqlite_only(env)
    for _ in range(3):
        env.data(SIGN_IN)
        _sequence(env)
    assert _verify(env).ok
    _tamper(env, *tamper.split("; "))
    assert _verify(env).first_broken.reason == reason


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_tree_heads SET tree_size = '2x' WHERE log_id = 'national' AND tree_size = 2",
        "UPDATE audit_tree_heads SET root_hash = 'abc' WHERE log_id = 'national' AND tree_size = 2",
        "UPDATE audit_tree_heads SET at = 12345 WHERE log_id = 'national' AND tree_size = 2",
        "UPDATE audit_leaves SET leaf_hash = 'abc' WHERE log_id = 'national' AND leaf_index = 0",
        "UPDATE audit_leaves SET leaf_index = '0x' WHERE log_id = 'national' AND leaf_index = 0",
        "UPDATE audit_nodes SET hash = 'abc' WHERE log_id = 'national'",
        # a hash of the wrong length: combined, it would give a root the leaves do not give
        "UPDATE audit_nodes SET hash = x'0102' WHERE log_id = 'national'",
        "UPDATE audit_events SET at = 5 WHERE seq = 7",
        # not 32 bytes: recomputed from its event by the sequencer, so nothing is broken
        "UPDATE audit_events SET leaf_hash = 'abc' WHERE seq = 7",
    ],
)
def test_a_value_of_the_wrong_kind_damages_one_log_only(core_env, tamper):
    """SQLite keeps any value in any column: a tree size '2x', a hash 'abc', a time 5 in one
    log is that log's damage (named by audit-verify, refused by the sequencer, AUDIT_LOG_DAMAGED
    or no proof in the API), never a traceback or a failure of the other log."""
    env = core_env
    _sqlite_only(env)
    for _ in range(2):  # national (Zhang's sign-ins) and 320000 (a clerk's look-up of Zhang)
        env.data(SIGN_IN)
        env.data(SIGN_IN)
        env.data(LOOKUP_ZHANG, {"n": env.refs["zhang"].id_number}, as_="clerk")
        _sequence(env)
    env.data(SIGN_IN)  # seq 7: waiting in national
    _tamper(env, tamper)
    env.data(LOOKUP_ZHANG, {"n": env.refs["zhang"].id_number}, as_="clerk")
    done = {r.log_id: r for r in _sequence(env)}
    assert done["320000"].added == 1 and done["320000"].refused is None
    if "audit_nodes" in tamper:  # the subtree it extends from: never a head over a false root
        assert done["national"].refused.startswith("log national: "), done["national"]
    report = _verify(env)
    recomputed = "leaf_hash = 'abc' WHERE seq" in tamper
    broken = [log.log_id for log in report.logs if not log.ok]
    assert broken == ([] if recomputed else ["national"]), report
    heads = env.gql("{ auditTreeHeads { logId treeSize } }")
    assert "errors" not in heads and ("320000", 3) in {
        (h["logId"], h["treeSize"]) for h in heads["data"]["auditTreeHeads"]
    }
    trail = env.gql(TRAIL, as_="zhang_account")
    if "audit_events SET at" in tamper:  # one of Zhang's events: the trail cannot be shown
        assert [e["extensions"]["code"] for e in trail["errors"]] == [Code.AUDIT_LOG_DAMAGED]
        return
    assert "errors" not in trail, trail["errors"]
    lookups = [n for n in trail["data"]["myAuditTrail"]["nodes"] if n["logId"] == "320000"]
    assert len(lookups) == 3 and all(n["inclusion"] for n in lookups)
    for query in (
        '{ auditConsistencyProof(logId: "national", fromSize: 2) { proof } }',
        '{ auditTreeHead(logId: "national") { treeSize } }',
    ):
        answer = env.gql(query)
        errors = answer.get("errors") or []
        assert all(e["extensions"]["code"] == Code.AUDIT_LOG_DAMAGED for e in errors), errors


def test_a_cut_off_tail_is_detected_against_the_signed_tree_heads(core_env):
    env = core_env
    _four_sequenced_events(env)
    _sqlite_only(env)
    _tamper(
        env,
        "DELETE FROM audit_leaves WHERE leaf_index = 3",
        "DELETE FROM audit_events WHERE seq = 4",
    )
    broken = _verify(env).first_broken
    assert broken is not None and "tail cut off" in broken.reason


def test_a_forged_tree_head_or_node_is_detected(core_env):
    env = core_env
    _four_sequenced_events(env)
    _sqlite_only(env)
    with env.platform.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_nodes SET hash = :h WHERE level = 1 AND idx = 0"),
            {"h": b"\x00" * 32},
        )
    broken = _verify(env).first_broken
    assert broken.reason.startswith("the stored subtree over leaves 0-1 does not match")
    assert (broken.broken_at, broken.leaves) == (1, 1)
    # an earlier fault is named before a later one in the same batch (the event of leaf 3)
    _tamper(env, "UPDATE audit_events SET outcome = 'REFUSED:X' WHERE seq = 4")
    assert _verify(env).first_broken.reason.startswith("the stored subtree over leaves 0-1")
    with env.platform.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_tree_heads SET root_hash = :h WHERE tree_size = 4"),
            {"h": b"\x01" * 32},
        )
    assert "differs from its signature" in _verify(env).first_broken.reason


def test_postgres_refuses_changes(core_env):
    engine = core_env.platform.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _four_sequenced_events(core_env)
    from sqlalchemy.exc import DBAPIError

    for statement in (
        "UPDATE audit_events SET outcome = 'X'",
        "DELETE FROM audit_events",
        "UPDATE audit_leaves SET leaf_hash = leaf_hash",
        "DELETE FROM audit_nodes",
        "DELETE FROM audit_tree_heads",
        "TRUNCATE audit_events CASCADE",
    ):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))


def test_an_event_waiting_too_long_is_reported(core_env):
    env = core_env
    env.data(SIGN_IN)
    env.clock.advance(dt.timedelta(minutes=10))
    broken = _verify(env).first_broken
    assert broken is not None and "waited more than" in broken.reason
    _sequence(env)
    assert _verify(env).ok


def test_a_late_commit_is_never_skipped(core_env):
    """PostgreSQL: an event inserted by a transaction that commits after a later one was already
    sequenced is integrated once it commits (SQLite serialises writers, so commits follow seq)."""
    env = core_env
    engine = env.platform.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite writers commit in seq order")
    from core.audit import EventDraft, insert_event

    def draft(n):
        return EventDraft(
            log_id="national", at=env.clock.now(), actor_account_id=None, actor_kind="SYSTEM",
            actor_role=None, jurisdiction=None, action=f"test.late_{n}", measure=None,
            subject_person_id=None, subject_ref=None, outcome="OK",
        )  # fmt: skip

    slow = engine.connect()
    slow_tx = slow.begin()
    insert_event(slow, draft("slow"))  # lower seq, still uncommitted
    with engine.begin() as fast:
        insert_event(fast, draft("fast"))
    _sequence(env)
    with env.session() as s:
        assert s.exec(select(func.count()).select_from(AuditLeaf)).one() == 0
    slow_tx.commit()
    slow.close()
    _sequence(env)
    with env.session() as s:
        order = s.exec(
            select(AuditEvent.action)
            .join(AuditLeaf, AuditLeaf.event_seq == AuditEvent.seq)
            .order_by(AuditLeaf.leaf_index)
        ).all()
    assert order == ["test.late_slow", "test.late_fast"]
    assert _verify(env).ok


def test_one_sequencer_per_log_however_many_run(core_env):
    env = core_env
    for _ in range(30):
        env.data(SIGN_IN)
    errors = []

    def run():
        try:
            _sequence(env)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _sequence(env)
    assert not errors
    with env.session() as s:
        leaves = s.exec(select(func.count()).select_from(AuditLeaf)).one()
        heads = s.exec(select(AuditTreeHead.tree_size).order_by(AuditTreeHead.tree_size)).all()
    assert leaves == 30 and heads[-1] == 30 and len(set(heads)) == len(heads)
    assert _verify(env).ok


def test_a_sequencer_that_lost_the_race_writes_nothing(core_env, monkeypatch):
    """SQLite: between one sequencer's read and its write, another integrates part of the log; the
    first finds the head moved and drops its batch; the next pass takes the rest, each event once."""
    from core.audit import sequencer

    env = core_env
    if env.platform.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL: the try-lock keeps a second sequencer out (the test above)")
    for _ in range(10):
        env.data(SIGN_IN)
    engine, keys, now = env.platform.engine, env.platform.keys, env.clock.now()
    log = _events(env)[0].log_id
    compute, overtaken = sequencer._compute, []

    def overtake(conn, *args):
        found = compute(conn, *args)
        if not overtaken:
            overtaken.append(None)  # the nested pass below computes through here too
            overtaken[0] = sequencer.integrate(engine, keys, now, log, batch=3)
        return found

    monkeypatch.setattr(sequencer, "_compute", overtake)
    lost = sequencer.integrate(engine, keys, now, log, batch=5)
    monkeypatch.setattr(sequencer, "_compute", compute)
    assert overtaken[0].added == 3 and lost.added == 0 and lost.tree_size == -1
    _sequence(env)
    with env.session() as s:
        seqs = s.exec(select(AuditLeaf.event_seq).order_by(AuditLeaf.leaf_index)).all()
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == len(_events(env))
    assert _verify(env).ok


def test_cli_audit_verify_and_sequence(core_env, monkeypatch, capsys):
    from core import cli

    env = core_env
    env.data(SIGN_IN)
    monkeypatch.setattr(cli, "_platform", lambda **_: env.platform)
    assert cli.main(["audit-sequence", "--once"]) == 0
    assert "log national: +1 -> 1 entries" in capsys.readouterr().out
    assert cli.main(["audit-verify"]) == 0
    assert "audit log intact: 1 entries in 1 logs" in capsys.readouterr().out
    if env.platform.engine.dialect.name == "sqlite":
        _tamper(env, "UPDATE audit_events SET action = 'core.other' WHERE seq = 1")
        assert cli.main(["audit-verify"]) == 1
        out = capsys.readouterr().out
        assert "audit log national BROKEN at leaf 0 (seq 1" in out
        assert cli.main(["audit-sequence", "--once"]) == 0  # nothing waiting: said, not silent
        assert capsys.readouterr().out == "nothing waiting: every log is up to date\n"
        # a log whose stored subtrees are gone is not extended: one line, exit 1, no traceback
        env.data(SIGN_IN)
        _tamper(env, "DELETE FROM audit_leaves", "DELETE FROM audit_nodes")
        assert cli.main(["audit-sequence", "--once"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("audit-sequence refused: log national") and "audit-verify" in err
        assert err.count("\n") == 1  # one line, no traceback
        assert cli.main(["job", "audit_sequence"]) == 1  # cron sees the refusal too
        assert '"refused": {"national": "log national: stored' in capsys.readouterr().out
        with pytest.raises(SystemExit):
            cli.main(["audit-verify", "--max-pending", "-5"])
        with pytest.raises(SystemExit):
            cli.main(["audit-sequence", "--interval", "-1"])


def test_audit_commands_refuse_a_database_that_is_not_there(tmp_path, monkeypatch, capsys):
    """A mistyped DATABASE_URL must not create an empty database and call its log intact, nor
    rotate keys into one."""
    from core import cli

    missing, empty, text_file = tmp_path / "typo.db", tmp_path / "empty.db", tmp_path / "notes.txt"
    empty.touch()
    foreign = tmp_path / "other-app.db"
    with contextlib.closing(sqlite3.connect(foreign)) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    text_file.write_text("not a database, but long enough to be read as one " * 4)
    fix = "create one with db-migrate, or fix the path"
    cases = [
        (f"sqlite:///{missing}", f"no database at {missing} (DATABASE_URL); {fix}"),
        (f"sqlite:///{empty}", f"the database at {empty} (DATABASE_URL) is empty; {fix}"),
        (f"sqlite:///{text_file}", f"{text_file} (DATABASE_URL) is not an SQLite database; {fix}"),
        (
            f"sqlite:///{tmp_path}",
            f"{tmp_path} (DATABASE_URL) is a directory, not a database; {fix}",
        ),
        (
            "sqlite://",
            "DATABASE_URL names an in-memory SQLite database, which holds nothing to work on",
        ),
        (
            f"sqlite:///{foreign}",
            f"the database at {foreign} (DATABASE_URL) is not this platform's (no audit log); {fix}",
        ),
    ]
    commands = [
        ["audit-verify"],
        ["audit-sequence", "--once"],
        ["job", "audit_sequence"],
        ["rotate-keys", "audit"],
    ]
    for url, said in cases:
        monkeypatch.setenv("DATABASE_URL", url)
        for command in commands:
            with pytest.raises(SystemExit) as stop:
                cli.main(command)
            assert stop.value.code == 2
            assert capsys.readouterr().err == said + "\n", (url, command)
    assert not missing.exists() and empty.stat().st_size == 0


def test_the_cli_stops_on_ctrl_c_without_a_traceback(monkeypatch, capsys):
    from core import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_platform", interrupted)  # e.g. at start-up
    assert cli.main(["audit-sequence", "--once"]) == 130
    assert capsys.readouterr().err == "interrupted\n"
    with pytest.raises(SystemExit):
        cli.main(["audit-verify", "--max-pending", "abc"])
    assert "'abc' is not a number of seconds (0 or more)" in capsys.readouterr().err


def test_a_long_transaction_in_another_database_does_not_hold_the_log_back(core_env):
    """PostgreSQL: snapshots span the cluster, but only this database's transactions can commit
    audit events, so another database's open transaction must not delay integration."""
    env = core_env
    engine = env.platform.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    import psycopg

    url = engine.url.set(database="postgres").render_as_string(hide_password=False)
    try:
        other = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    except psycopg.Error:
        pytest.skip("no second database on this server")
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds an xid until rolled back
        env.data(SIGN_IN)
        assert {r.log_id: r.added for r in _sequence(env)} == {"national": 1}
    finally:
        other.rollback()
        other.close()


def test_cli_audit_verify_names_every_broken_log(core_env, monkeypatch, capsys):
    from core import cli

    env = core_env
    _sqlite_only(env)
    _two_logs_waiting(env)
    _sequence(env)
    monkeypatch.setattr(cli, "_platform", lambda **_: env.platform)
    # seq 1 is national's leaf 0, seq 2 320000's
    _tamper(env, "UPDATE audit_events SET action = 'core.other' WHERE seq IN (1, 2)")
    assert cli.main(["audit-verify"]) == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("audit log ")]
    assert sorted(x.split(", uid ")[0] + " / " + x.split(": ", 1)[1] for x in lines) == [
        "audit log 320000 BROKEN at leaf 0 (seq 2 / event seq 2 was changed after it was logged",
        "audit log national BROKEN at leaf 0 (seq 1 / event seq 1 was changed after it was logged",
    ]
