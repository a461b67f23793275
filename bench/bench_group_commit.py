"""Group commit (core/group_commit.py): CPU time per insert-only write, alone and in batches.

`group_commit`: one verification's writes (a receipt row and its audit event, the statements
`eDrivingLicenceVerify` stages) committed alone (BEGIN IMMEDIATE, 2 inserts, COMMIT per request,
as before group commit) and through `core.group_commit.write` in batches of 4, 8 and 16 requests,
alternating in one process on the 10,000-licence bench database; the minimum over rounds, in µs of
process CPU time per write (`us_alone`, `us_batch_<n>`), and `ratio_batch_8` (alone / batch of 8).

    python bench/run.py group_commit
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from data import bench_db_url  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3")) * 4
REPEAT = 50  # batches per round


class _Pending:
    """`core.group_commit.PendingWrite` without its future (no event loop here)."""

    def __init__(self, conn, staged, draft) -> None:  # noqa: ANN001
        self.conn, self.staged, self.draft, self.mark = conn, staged, draft, None


def run_group_commit() -> dict:
    from bench_verify import SMALL_ROWS, ensure_credentials

    from core.audit.entries import EventDraft, insert_event
    from core.db import make_engine, stamp
    from core.group_commit import write
    from core.ids import new_id
    from plugins.e_driving_licence.verification import _RECORD

    url = bench_db_url("verify", SMALL_ROWS)
    ensure_credentials(url, SMALL_ROWS)
    engine = make_engine(url)

    def staged() -> tuple[list, EventDraft]:
        now = dt.datetime.now(dt.UTC)
        params = {
            "id": new_id(), "at": stamp(now), "holder_person_id": "P000000000000001",
            "handle": "BENCHHANDLE00001", "verifier_kind": "PARTNER", "verifier_name": "基准保险",
            "verifier_ref": "BENCHINSURER0001", "purpose": "理赔核验", "claims": ["status"],
            "result": "ACCEPTED",
        }  # fmt: skip
        draft = EventDraft(
            log_id="national", at=now, actor_account_id="bench-insurer", actor_kind="PARTNER",
            actor_role="PARTNER", jurisdiction=None, action="e_driving_licence.verify",
            measure="e_driving_licence", subject_person_id="P000000000000001",
            subject_ref="EDrivingLicence:BENCHHANDLE00001", outcome="OK",
            detail={"purpose": "理赔核验", "claims": ["status"], "result": "ACCEPTED"},
        )  # fmt: skip
        return [(_RECORD, params)], draft

    def alone(conn, n: int) -> None:  # noqa: ANN001
        for _ in range(n):
            rows, draft = staged()
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                for statement, params in rows:
                    conn.execute(statement, params)
                insert_event(conn, draft)

    def batched(conn, n: int) -> None:  # noqa: ANN001
        write(conn, [_Pending(conn, *staged()) for _ in range(n)])

    sizes = (4, 8, 16)
    best: dict[str, float] = {}
    with engine.connect() as conn:
        for _ in range(ROUNDS):
            for size in sizes:
                for name, fn in (("us_alone", alone), (f"us_batch_{size}", batched)):
                    started = time.process_time()
                    for _ in range(REPEAT):
                        fn(conn, size)
                    per_write = (time.process_time() - started) / (REPEAT * size) * 1e6
                    best[name] = min(best.get(name, per_write), per_write)
    engine.dispose()
    out = {name: round(value, 1) for name, value in best.items()}
    out["ratio_batch_8"] = round(best["us_alone"] / best["us_batch_8"], 2)
    out["note"] = "process CPU µs per write, minimum over rounds; one core, SQLite WAL"
    return out


BENCHMARKS = {"group_commit": run_group_commit}
