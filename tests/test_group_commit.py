"""Group commit (core/group_commit.py): concurrent insert-only mutations share one transaction,
every answered one is written with its audit event, and one bad request fails only itself."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

import core.group_commit as group_commit
from core.audit.entries import EventDraft
from core.audit.models import AuditEvent
from core.http import create_app
from core.ids import new_id
from plugins.e_driving_licence.models import EdlVerification
from plugins.e_driving_licence.tests.helpers import VERIFY, issue, show
from plugins.e_driving_licence.verification import _RECORD

CALLS = 12


def _count(env, model, **where):  # noqa: ANN001, ANN202
    table = model.__table__
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with env.platform.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_concurrent_verifications_commit_together_and_all_are_written(make_env, monkeypatch):
    env = make_env(["e_driving_licence"])
    issue(env)
    payload = show(env)["payloads"][0]["text"]
    token = env.token(env.refs["employer"])
    sizes: list[int] = []
    real_write = group_commit.write

    def spy(conn, batch):  # noqa: ANN001, ANN202
        sizes.append(len(batch))
        return real_write(conn, batch)

    monkeypatch.setattr(group_commit, "write", spy)
    before = _count(env, AuditEvent, action="e_driving_licence.verify")

    async def run() -> list[dict]:
        transport = httpx.ASGITransport(app=create_app(env.platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": VERIFY, "variables": {"in": {"payload": payload, "purpose": f"核验{n}"}}},
                        headers={"authorization": f"Bearer {token}"},
                    )
                    for n in range(CALLS)
                )
            )  # fmt: skip
        return [a.json()["data"]["eDrivingLicenceVerify"] for a in answers]

    answers = asyncio.run(run())
    assert all(a["errors"] == [] and a["verification"]["accepted"] for a in answers), answers
    assert sum(sizes) == CALLS and max(sizes) > 1, sizes  # at least two shared a transaction
    receipts = {a["verification"]["receiptId"] for a in answers}
    entries = {a["verification"]["auditEntry"]["uid"] for a in answers}
    assert len(receipts) == len(entries) == CALLS
    with env.platform.engine.connect() as conn:
        table = EdlVerification.__table__
        stored = set(conn.execute(select(table.c.id).where(table.c.id.in_(receipts))).scalars())
        events = AuditEvent.__table__
        logged = set(conn.execute(select(events.c.uid).where(events.c.uid.in_(entries))).scalars())
    assert stored == receipts and logged == entries  # every answered verification is durable
    assert _count(env, AuditEvent, action="e_driving_licence.verify") == before + CALLS


def _pending_row(env, receipt_id: str):  # noqa: ANN001, ANN202
    now = env.clock.now()
    params = {
        "id": receipt_id, "at": now, "holder_person_id": None, "handle": None,
        "verifier_kind": "STAFF", "verifier_name": "test", "verifier_ref": "test",
        "purpose": "test", "claims": [], "result": "REJECTED:TEST",
    }  # fmt: skip
    draft = EventDraft(
        log_id="000000", at=now, actor_account_id=None, actor_kind="STAFF", actor_role=None,
        jurisdiction=None, action="test.group_commit", measure=None, subject_person_id=None,
        subject_ref=receipt_id, outcome="OK",
    )  # fmt: skip
    return [(_RECORD, params)], draft


def test_one_bad_request_fails_only_itself(make_env):
    env = make_env(["e_driving_licence"])
    taken = new_id()
    committer = group_commit.GroupCommitter()
    engine = env.platform.engine

    async def run() -> list[BaseException | None]:
        conns = [engine.connect() for _ in range(4)]
        try:
            await committer.commit(conns[0], *_pending_row(env, taken))  # alone: written
            ids = [new_id(), taken, new_id()]  # the second repeats a receipt id: refused
            results = await asyncio.gather(
                *(
                    committer.commit(c, *_pending_row(env, i))
                    for c, i in zip(conns[1:], ids, strict=True)
                ),
                return_exceptions=True,
            )
            return list(results)
        finally:
            for conn in conns:
                conn.close()

    results = asyncio.run(run())
    assert results[0] is None and results[2] is None, results
    assert isinstance(results[1], Exception), results
    assert _count(env, AuditEvent, action="test.group_commit") == 3  # the refused one left none
    assert committer.writes == 3


def test_a_request_cancelled_before_the_flush_writes_nothing(make_env):
    env = make_env(["e_driving_licence"])
    committer = group_commit.GroupCommitter()
    engine = env.platform.engine
    kept, dropped = new_id(), new_id()

    async def run() -> None:
        with engine.connect() as a, engine.connect() as b:
            first = asyncio.ensure_future(committer.commit(a, *_pending_row(env, dropped)))
            await asyncio.sleep(0)  # it has joined the batch; the flush is scheduled
            first.cancel()
            await committer.commit(b, *_pending_row(env, kept))
            with pytest.raises(asyncio.CancelledError):
                await first

    asyncio.run(run())
    assert _count(env, EdlVerification, id=kept) == 1
    assert _count(env, EdlVerification, id=dropped) == 0


def test_group_commit_can_be_switched_off(monkeypatch):
    from core.settings import Settings

    monkeypatch.setenv("GROUP_COMMIT", "off")
    assert Settings.from_env().group_commit is False
    monkeypatch.setenv("GROUP_COMMIT", "sometimes")
    with pytest.raises(ValueError, match="GROUP_COMMIT='sometimes'"):
        Settings.from_env()


def test_a_malformed_setting_stops_the_cli_with_one_line(monkeypatch, capsys):
    from core import cli

    monkeypatch.setenv("GROUP_COMMIT", "sometimes")
    assert cli.main(["plugins"]) == 78  # EX_CONFIG
    err = capsys.readouterr().err
    assert err == "configuration error: GROUP_COMMIT='sometimes': use on or off\n"
