"""Idempotency keys across a crash (review finding): the first request with a key committed its
change, then the process died before it stored its answer (`complete`). The key used to stay
PENDING for 24 hours and every retry got 409 "still running": the client was stranded although
the work was done. Now the key is marked COMMITTED in the business transaction itself, so a retry
past the first request's lease is told the truth (ALREADY_APPLIED, naming the audit entries) and
nothing is applied twice; a claim whose owner died before committing anything is taken over after
the lease and runs."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from sqlmodel import func, select

from core import idempotency
from core.audit import AuditEvent
from core.http import create_app
from core.idempotency import IdempotencyRecord
from core.rollout import RolloutRule

SET = 'mutation($c: String!) { rolloutSet(input: {measure: "example_measure", city: $c, enabled: true}) { city errors { code } } }'
PAST_LEASE = idempotency.LEASE + dt.timedelta(seconds=1)


class ProcessKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no answer is sent (not an Exception, so no
    handler of the app turns it into an answer)."""


def _post(env, key, city="320500", who="province_admin"):  # noqa: ANN001, ANN202
    return env.http.post(
        "/graphql",
        json={"query": SET, "variables": {"c": city}},
        headers={"authorization": f"Bearer {env.token(who)}", "idempotency-key": key},
    )


def _post_killed(env, key):  # noqa: ANN001, ANN202
    """`_post` through the app itself, so that the stand-in for SIGKILL reaches the caller."""

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(env.platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/graphql",
                json={"query": SET, "variables": {"c": "320500"}},
                headers={
                    "authorization": f"Bearer {env.token('province_admin')}",
                    "idempotency-key": key,
                },
            )

    return asyncio.run(call())


def _count(env, model, *where):  # noqa: ANN001, ANN202
    with env.session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _rules(env):  # noqa: ANN001, ANN202
    return _count(env, RolloutRule, RolloutRule.source == "ADMIN")


def _rollout_events(env):  # noqa: ANN001, ANN202
    with env.session() as s:
        return s.exec(
            select(AuditEvent.uid).where(
                AuditEvent.action == "core.rollout_set", AuditEvent.outcome == "OK"
            )
        ).all()


def _record(env, key):  # noqa: ANN001, ANN202
    with env.session() as s:
        return s.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == key)).one()


def _killed_before_complete(monkeypatch):  # noqa: ANN001, ANN202
    def killed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ProcessKilled

    monkeypatch.setattr(idempotency, "complete", killed)


def test_a_retry_after_a_crash_between_commit_and_complete_is_told_it_was_applied(
    example_env, monkeypatch
):
    env = example_env
    _killed_before_complete(monkeypatch)
    with pytest.raises(ProcessKilled):  # the change committed; the client got no answer
        _post_killed(env, "crash-key-0001")
    monkeypatch.undo()
    assert _rules(env) == 1
    [event] = _rollout_events(env)
    record = _record(env, "crash-key-0001")
    assert record.status == "COMMITTED"  # marked in the business transaction

    # within the lease the first request might still be running: 409 with a time to retry
    early = _post(env, "crash-key-0001")
    assert early.status_code == 409
    assert early.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert 1 <= int(early.headers["retry-after"]) <= idempotency.LEASE.total_seconds() + 1

    # past the lease: the truth, not 409 for 24 hours, and not a second application
    env.clock.advance(PAST_LEASE)
    for _ in range(2):
        retry = _post(env, "crash-key-0001")
        assert retry.status_code == 200 and retry.headers["idempotency-replayed"] == "true"
        [error] = retry.json()["errors"]
        assert error["extensions"]["code"] == "ALREADY_APPLIED"
        assert error["extensions"]["rule"] == "core: idempotency"
        assert "already applied" in error["message"]
        assert [e["auditEntry"] for e in error["extensions"]["applied"]] == [event]
        assert error["extensions"]["applied"][0]["action"] == "core.rollout_set"
    assert _rules(env) == 1 and _rollout_events(env) == [event]

    # the same key with another request is still refused as before
    other = _post(env, "crash-key-0001", city="320200")
    assert other.status_code == 422


def test_the_answer_is_still_sent_when_storing_it_fails(example_env, monkeypatch):
    """Storing the answer failing (not a crash) no longer turns a committed change into a 500:
    the client gets its answer; a retry past the lease is told ALREADY_APPLIED."""
    env = example_env

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("database went away")

    monkeypatch.setattr(idempotency, "complete", broken)
    first = _post(env, "crash-key-0002")
    assert first.status_code == 200
    assert first.json()["data"]["rolloutSet"] == {"city": "320500", "errors": []}
    monkeypatch.undo()
    env.clock.advance(PAST_LEASE)
    retry = _post(env, "crash-key-0002")
    assert retry.json()["errors"][0]["extensions"]["code"] == "ALREADY_APPLIED"
    assert _rules(env) == 1


def test_a_claim_whose_owner_died_before_committing_is_taken_over_after_the_lease(example_env):
    env = example_env
    from core.actor import Actor

    actor = Actor.from_claims(env.platform.tokens.verify(env.token("province_admin")))
    fingerprint = idempotency.request_fingerprint([{"query": SET, "variables": {"c": "320500"}}])
    dead = idempotency.claim(
        env.platform.engine,
        f"{actor.kind}:{actor.account_id}",
        "crash-key-0003",
        fingerprint,
        env.clock.now(),
    )  # a process claimed the key, then died before it committed anything
    assert dead.outcome == "NEW"
    early = _post(env, "crash-key-0003")
    assert early.status_code == 409
    env.clock.advance(PAST_LEASE)
    retry = _post(env, "crash-key-0003")
    assert retry.status_code == 200 and "idempotency-replayed" not in retry.headers
    assert retry.json()["data"]["rolloutSet"] == {"city": "320500", "errors": []}
    assert _rules(env) == 1
    again = _post(env, "crash-key-0003")  # the answer is stored as usual now
    assert again.headers["idempotency-replayed"] == "true" and again.json() == retry.json()

    # the dead owner's claim is void: were it alive after all, its commit rolls back
    from core.context import Context

    ctx = Context(env.platform, actor)
    ctx.keyed = idempotency.KeyedWrites(dead.record_id)

    class Payload:
        def __init__(self, errors):  # noqa: ANN001
            self.errors = errors

    def work(scope):  # noqa: ANN001, ANN202
        scope.session.add(
            RolloutRule(
                measure="example_measure", province_code="320000", city_code="320200",
                enabled=True, valid_from=dt.date(2000, 1, 1), source="ADMIN", phase="TEST",
            )
        )  # fmt: skip
        return Payload([])

    try:
        result = ctx.mutate("core.rollout_set", Payload, work)
    finally:
        ctx.close()
    assert [e.code for e in result.errors] == ["IDEMPOTENCY_CLAIM_LOST"]
    assert _rules(env) == 1  # the late owner's rule was rolled back
    assert ctx.keyed.applied == []


def test_a_grouped_insert_only_write_marks_its_key_in_the_group_transaction(make_env, monkeypatch):
    """Verifications commit through the group committer (core/group_commit.py): the key's mark
    is part of that transaction too."""
    from plugins.e_driving_licence.models import EdlVerification
    from plugins.e_driving_licence.tests.helpers import VERIFY, issue, show

    env = make_env(["e_driving_licence"])
    issue(env)
    payload = show(env)["payloads"][0]["text"]
    token = env.token(env.refs["employer"])
    _killed_before_complete(monkeypatch)

    async def call(key: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(env.platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/graphql",
                json={
                    "query": VERIFY,
                    "variables": {"in": {"payload": payload, "purpose": "核验"}},
                },
                headers={"authorization": f"Bearer {token}", "idempotency-key": key},
            )

    def receipts() -> int:
        return _count(env, EdlVerification)

    before = receipts()
    with pytest.raises(ProcessKilled):
        asyncio.run(call("crash-key-0004"))
    monkeypatch.undo()
    assert receipts() == before + 1
    record = _record(env, "crash-key-0004")
    assert record.status == "COMMITTED"
    env.clock.advance(PAST_LEASE)
    retry = env.http.post(
        "/graphql",
        json={"query": VERIFY, "variables": {"in": {"payload": payload, "purpose": "核验"}}},
        headers={"authorization": f"Bearer {token}", "idempotency-key": "crash-key-0004"},
    )
    [error] = retry.json()["errors"]
    assert error["extensions"]["code"] == "ALREADY_APPLIED"
    [applied] = error["extensions"]["applied"]
    assert applied["action"] == "e_driving_licence.verify"
    with env.session() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.uid == applied["auditEntry"])).one()
    assert receipts() == before + 1  # verified once, recorded once
