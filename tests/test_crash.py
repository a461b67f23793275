"""Nothing acknowledged is lost: the server is killed (SIGKILL) while partners verify e-licences;
after a restart every verification that was answered has its receipt, its holder-log row and its
audit event, the sequencer integrates every committed event, and audit-verify passes.

SQLite in WAL mode (the embedded default): a transaction whose commit returned survives the death
of the process. The server is started as documented (`uvicorn server:app_factory --factory`).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time

import httpx
import pytest
from sqlalchemy import func, insert, select

from core.testing_server import free_port, start_server

VERIFY = """mutation($in: EDrivingLicenceVerifyInput!) { eDrivingLicenceVerify(input: $in) {
  errors { code } verification { accepted receiptId auditEntry { uid } } } }"""


def _start(url: str, port: int) -> subprocess.Popen:
    env = {
        "DATABASE_URL": url,
        "APP_PLUGINS": "e_driving_licence",
        "LOAD_DEMO": "0",
        "AUDIT_SEQUENCER": "embedded",
    }
    return start_server(env, port, timeout=30)


def _prepare(url: str) -> tuple[list[str], str]:
    """A database with the demo data, a high partner limit, payloads and a partner token."""
    from core.accounts import PartnerClient, PartnerOrg
    from core.actor import ANONYMOUS
    from core.api.mutations import issue_partner_token
    from core.context import Context
    from core.db import stamp
    from core.demo import load_demo_if_empty
    from core.platform import build_platform
    from core.rollout import MeasureSetting
    from core.settings import Settings

    platform = build_platform(
        Settings(database_url=url, plugins=("e_driving_licence",)), plugins=["e_driving_licence"]
    )
    load_demo_if_empty(platform)
    with platform.engine.begin() as conn:
        conn.execute(
            insert(MeasureSetting.__table__).values(  # type: ignore[attr-defined]
                id="CRASHTESTLIMIT01", measure="e_driving_licence", scope_code="*",
                key="partner_verifications_per_minute", value={"value": 1_000_000},
                updated_at=stamp(dt.datetime.now(dt.UTC)),
            )
        )  # fmt: skip
        row = conn.execute(
            select(PartnerClient.__table__.c.client_id, PartnerOrg.__table__.c.id)  # type: ignore[attr-defined]
            .join(
                PartnerOrg.__table__, PartnerOrg.__table__.c.id == PartnerClient.__table__.c.org_id
            )  # type: ignore[attr-defined]
            .where(PartnerOrg.__table__.c.kind == "INSURER")  # type: ignore[attr-defined]
        ).first()
    from sqlmodel import Session

    from core.accounts import Account
    from core.actor import Actor
    from core.api.mutations import issue_user_token
    from plugins.e_driving_licence import service

    ctx = Context(platform, ANONYMOUS)
    with Session(platform.engine) as s:
        token = issue_partner_token(
            ctx, s.get(PartnerClient, row.client_id), s.get(PartnerOrg, row.id)
        )[0]
        holder = s.exec(select(Account).where(Account.login == "13900000001")).scalars().one()  # type: ignore[call-overload]
        holder_token = issue_user_token(ctx, holder)[0]
    as_holder = Context(platform, Actor.from_claims(platform.tokens.verify(holder_token)))
    payloads = [service.show(as_holder, 1)[0][0] for _ in range(5)]
    as_holder.close()
    platform.engine.dispose()
    return payloads, token


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the embedded default (SQLite) is what a single host runs")  # fmt: skip
def test_sigkill_under_load_loses_nothing_that_was_answered(tmp_path):
    url = f"sqlite:///{tmp_path}/crash.db"
    payloads, token = _prepare(url)
    port = free_port()
    server = _start(url, port)
    answered: list[tuple[str, str]] = []
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            i = n
            while not stop.is_set():
                i += 1
                body = {"query": VERIFY, "variables": {"in": {
                    "payload": payloads[i % len(payloads)], "purpose": "理赔核验"}}}  # fmt: skip
                try:
                    r = http.post(
                        "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
                    )
                except httpx.HTTPError:
                    return  # the server died under us: this request was never answered
                out = r.json()["data"]["eDrivingLicenceVerify"]
                if out["verification"] and out["verification"]["accepted"]:
                    v = out["verification"]
                    answered.append((v["receiptId"], v["auditEntry"]["uid"]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while len(answered) < 150 and time.time() < deadline:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)  # no shutdown, no flush, no sequencer pass
    server.wait(10)
    stop.set()
    for t in threads:
        t.join(10)
    assert len(answered) >= 150, len(answered)

    # restart: the in-process sequencer integrates what was committed
    server = _start(url, port)
    try:
        from core.audit import AuditEvent, AuditLeaf, verify_logs
        from core.db import make_engine
        from plugins.e_driving_licence.models import EdlVerification

        engine = make_engine(url)
        receipts = {r for r, _ in answered}
        uids = {u for _, u in answered}
        deadline = time.time() + 20
        while time.time() < deadline:
            with engine.connect() as conn:
                waiting = conn.execute(
                    select(func.count())
                    .select_from(
                        AuditEvent.__table__.outerjoin(  # type: ignore[attr-defined]
                            AuditLeaf.__table__,  # type: ignore[attr-defined]
                            AuditLeaf.__table__.c.event_seq == AuditEvent.__table__.c.seq,  # type: ignore[attr-defined]
                        )
                    )
                    .where(AuditLeaf.__table__.c.event_seq.is_(None))  # type: ignore[attr-defined]
                ).scalar_one()
            if waiting == 0:
                break
            time.sleep(0.2)
        assert waiting == 0, f"{waiting} committed events were not integrated after the restart"
        with engine.connect() as conn:
            stored = set(conn.execute(select(EdlVerification.__table__.c.id)).scalars())  # type: ignore[attr-defined]
            logged = set(conn.execute(select(AuditEvent.__table__.c.uid)).scalars())  # type: ignore[attr-defined]
        assert receipts <= stored, f"{len(receipts - stored)} answered receipts lost"
        assert uids <= logged, f"{len(uids - logged)} answered audit events lost"
        report = verify_logs(engine, dt.datetime.now(dt.UTC))
        assert report.ok, report.first_broken
        engine.dispose()
    finally:
        server.kill()
        server.wait(10)
