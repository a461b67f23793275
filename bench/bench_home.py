"""Issue 13 `home_query`: a citizen's home screen in one request (tests/home_screen.py).

- `statements_1`, `statements_20`: the SQL statements one home query costs (counted in-process
  with a `before_cursor_execute` listener, core/testing.py) for a citizen with 1 vehicle and one
  with 20 (3 and 22 to-dos). They must be equal: no per-item look-ups.
- `rps` (with p50_ms, p99_ms, errors): the home query over HTTP for citizens with 20 vehicles,
  the production app (every bundled plugin) with one uvicorn worker, wrk rotating through
  BENCH_HOME_CITIZENS callers; `rps_1`: the same for citizens with 1 vehicle, in the same run.
  Without wrk the run says so and reports the statement counts only.

The database (bench/home-<citizens>.db) is built once and reused; delete it to rebuild.

    BENCH_SECONDS=2 BENCH_ROUNDS=1 python bench/run.py home_query
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from httpbench import best_of, load, serve  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CITIZENS = int(os.environ.get("BENCH_HOME_CITIZENS", "100"))  # per group (1 and 20 vehicles)
CONNECTIONS = 32
GROUPS = (1, 20)
DB_PATH = HERE / f"home-{CITIZENS}.db"


def _name(vehicles: int, i: int) -> str:
    return f"基准{vehicles}车{i:04d}"


def _prepare():  # noqa: ANN202
    """The platform on the bench database (built on first use) and the callers' accounts per
    group: {vehicles: [Account, ...]}."""
    from sqlmodel import Session, select

    from core.accounts import Account, Person
    from core.factory import Factory
    from core.platform import build_platform
    from core.settings import Settings
    from tests.home_screen import add_citizen, add_outlets

    url = f"sqlite:///{DB_PATH}"
    platform = build_platform(Settings(database_url=url))
    with Session(platform.engine, expire_on_commit=False) as session:
        built = session.exec(select(Person.id).where(Person.name == _name(20, 0))).first()
        if built is None:
            print(f"   building {DB_PATH.name}", file=sys.stderr, flush=True)
            factory = Factory(session, platform.clock.now())
            office = factory.office("320100")
            add_outlets(session, factory.now)
            for vehicles in GROUPS:
                for i in range(CITIZENS):
                    born = dt.date(1970, 1, 1) + dt.timedelta(days=vehicles * CITIZENS + i)
                    add_citizen(factory, _name(vehicles, i), vehicles, office, born)
            session.commit()
        accounts = {}
        for vehicles in GROUPS:
            names = [_name(vehicles, i) for i in range(CITIZENS)]
            accounts[vehicles] = list(
                session.exec(
                    select(Account)
                    .join(Person, Person.id == Account.person_id)  # type: ignore[arg-type]
                    .where(Person.name.in_(names))  # type: ignore[attr-defined]
                    .order_by(Person.name)
                ).all()
            )
            assert len(accounts[vehicles]) == CITIZENS, "rebuild: delete " + DB_PATH.name
    return url, platform, accounts


def _count(platform, accounts) -> dict[int, int]:  # noqa: ANN001
    """Statements per home query, in-process, for the first caller of each group."""
    from core.demo import DemoWorld
    from core.factory import Factory
    from core.testing import Env
    from tests.home_screen import HOME_QUERY, LOCATION

    env = Env(platform, DemoWorld(Factory(None, platform.clock.now())))  # type: ignore[arg-type]
    out = {}
    for vehicles in GROUPS:
        token = env.token(accounts[vehicles][0])
        data = env.data(HOME_QUERY, LOCATION, as_=token)  # warm: document, rollout, settings
        assert len(data["myVehicles"]) == vehicles, data["myVehicles"]
        assert len(data["preciseGuidanceTodos"]) == vehicles + 2
        with env.count_statements() as counter:
            env.data(HOME_QUERY, LOCATION, as_=token)
        out[vehicles] = counter.count
        print(f"   {vehicles} vehicle(s): {counter.count} statements\n{counter.report()}")
    return out


def _requests(platform, accounts: list) -> list[tuple[bytes, dict[str, str]]]:  # noqa: ANN001
    from core.actor import ANONYMOUS
    from core.api.mutations import issue_user_token
    from core.context import Context
    from tests.home_screen import HOME_QUERY, LOCATION

    ctx = Context(platform, ANONYMOUS)
    body = orjson.dumps({"query": HOME_QUERY, "variables": LOCATION})
    return [
        (
            body,
            {
                "Authorization": f"Bearer {issue_user_token(ctx, account)[0]}",
                "Content-Type": "application/json",
            },
        )
        for account in accounts
    ]


def run_home() -> dict[str, dict]:
    url, platform, accounts = _prepare()
    counts = _count(platform, accounts)
    figures: dict = {
        "statements_1": counts[1],
        "statements_20": counts[20],
        "vehicles": 20,
        "callers": CITIZENS,
    }
    if counts[1] != counts[20]:
        print(f"   WARNING: the statements grow with the list: {counts[1]} vs {counts[20]}")
    if shutil.which("wrk") is None:
        print("   wrk is not installed (Debian: apt-get install wrk): rps not measured")
        figures["rps"] = None
        figures["note"] = "wrk not installed: rps not measured"
        platform.engine.dispose()
        return {"home_query": figures}
    requests = {vehicles: _requests(platform, accounts[vehicles]) for vehicles in GROUPS}
    platform.engine.dispose()
    with serve("bench.apps:full_app", {"BENCH_DATABASE_URL": url}) as base:
        http = {
            vehicles: best_of(
                ROUNDS,
                lambda v=vehicles: load(base + "/graphql", requests[v], SECONDS, CONNECTIONS),
            )
            for vehicles in (20, 1)
        }
    figures.update(http[20])
    figures["rps_1"] = http[1]["rps"]
    figures["errors_1"] = http[1]["errors"]
    return {"home_query": figures}


BENCHMARKS = {"home_query": run_home}
