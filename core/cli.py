"""Operator command line: `python -m core.cli <command> --help`.

Reads DATABASE_URL / APP_MODE like the server. Commands: db-init, db-migrate, db-revision, demo-load, schema, plugins,
rollout, token, rotate-keys, retire-key, crontab, audit-verify, audit-sequence, identifiers-check, report, job.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from sqlmodel import Session, select


def _platform(load_demo: bool = False, existing: bool = False):  # noqa: ANN202
    """The platform over DATABASE_URL. `existing`: a command that works on an existing database
    exits 2 (SystemExit) when DATABASE_URL names an SQLite database that is not there, rather than
    create an empty one (audit-verify would call its empty log intact). Exits 2 too when the
    database's tables lack columns this version needs (migrations not run)."""
    from core.platform import build_platform
    from core.settings import Settings
    from core.tables import StaleSchema

    if existing and (missing := _missing_database()) is not None:
        print(missing, file=sys.stderr)
        raise SystemExit(2)
    try:
        platform = build_platform(Settings.from_env())
    except StaleSchema as stale:
        print(stale, file=sys.stderr)
        raise SystemExit(2) from None
    if load_demo:
        from core.demo import load_demo_if_empty

        load_demo_if_empty(platform)
    return platform


def cmd_db_init(args: argparse.Namespace) -> int:
    """Create the tables that are missing (never alters one), seed the default rollout rows that
    are missing and the signing keys; prints what it found and what it created."""
    from sqlalchemy import inspect

    from core.db import make_engine
    from core.platform import build_platform
    from core.settings import Settings

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    before = set(inspect(engine).get_table_names())
    build_platform(settings, engine=engine)
    after = set(inspect(engine).get_table_names())
    engine.dispose()
    print(db_init_summary(before, after))
    return 0


def db_init_summary(before: set[str], after: set[str]) -> str:
    """What `db-init` did, from the table names before and after it ran."""
    created = sorted(after - before)
    kept = len(after & before)
    if not created:
        tables = f"all {kept} tables were already there, nothing created"
    elif not kept:
        tables = f"{len(created)} tables created"
    else:
        shown = ", ".join(created[:8]) + (", ..." if len(created) > 8 else "")
        tables = f"{len(created)} missing tables created ({shown}), {kept} already there"
    managed = (
        "; this database is managed by migrations: upgrade it with db-migrate"
        if "alembic_version" in before
        else ""
    )
    return (
        f"database ready: {tables}; default rollout and signing keys present (missing ones "
        f"added){managed}"
    )


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from core.schema_migrations import MigrationError, current_revisions, migrate
    from core.settings import Settings

    url = Settings.from_env().database_url
    before = current_revisions(url)
    try:
        done = migrate(url, args.revision)
    except MigrationError as refusal:
        print(f"not migrated: {refusal}", file=sys.stderr)
        return 2
    after = current_revisions(url)
    now = ", ".join(sorted(after))
    if done == "stamped":
        print(
            "database tables already matched the current models (created without migrations): "
            f"recorded as migrated to heads: at {now}"
        )
    elif after != before:
        print(f"database migrated to {args.revision}: at {now}")
    elif args.revision in ("heads", "head") or "@" in args.revision or args.revision in after:
        print(f"database already at {args.revision}, nothing to do: at {now}")
    else:  # alembic upgrades only: a revision already passed changes nothing
        print(f"database already past {args.revision} (db-migrate only upgrades): at {now}")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    from core.schema_migrations import MigrationError, new_revision
    from core.settings import Settings

    try:
        path = new_revision(Settings.from_env().database_url, args.branch, args.message)
    except MigrationError as refusal:
        print(f"no revision written: {refusal}", file=sys.stderr)
        return 2
    print(f"new revision on {args.branch}: {path}")
    return 0


def cmd_demo_load(args: argparse.Namespace) -> int:
    from core.demo import add_bulk_licences, load_demo_if_empty

    platform = _platform()
    loaded = load_demo_if_empty(platform)
    print("demo data loaded" if loaded else "database not empty: demo data left as it was")
    if args.licences:
        added = add_bulk_licences(
            platform.engine,
            args.licences,
            progress=lambda done, total: print(
                f"  licences {done}/{total}", file=sys.stderr, flush=True
            ),
        )
        print(f"added {added} synthetic licences")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from core.schema_export import composed_sdl

    sdl = composed_sdl()
    if args.check:
        current = Path(args.output).read_text() if Path(args.output).exists() else ""
        if current != sdl:
            print(
                f"{args.output} differs from the composed schema; run: python -m core.cli schema",
                file=sys.stderr,
            )
            return 1
        print(f"{args.output} is up to date")
        return 0
    Path(args.output).write_text(sdl)
    print(f"wrote {args.output}")
    return 0


README_START, README_END = "<!-- measures:start -->\n", "<!-- measures:end -->"


def measures_table(measures: dict[str, Any]) -> str:
    """The README's table of measures (code, slug, title, seed item), in code order."""
    lines = ["| code | plugin | measure | seed |", "| --- | --- | --- | --- |"]
    for info in sorted(measures.values(), key=lambda m: m.code):
        lines.append(
            f"| {info.code} | [`{info.slug}`](plugins/{info.slug}/README.md) | "
            f"{info.title_zh} ({info.title}) | {info.seed} |"
        )
    return "\n".join(lines) + "\n"


def write_measures_table(readme: Path, table: str) -> None:
    """Replace what stands between the README's measures markers with `table`."""
    head, rest = readme.read_text().split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    readme.write_text(f"{head}{README_START}{table}{README_END}{tail}")


def cmd_plugins(args: argparse.Namespace) -> int:
    platform = _platform()
    if args.markdown:
        table = measures_table(platform.measures)
        if not args.write:
            print(table, end="")
            return 0
        readme = Path(__file__).resolve().parent.parent / "README.md"
        write_measures_table(readme, table)
        print(f"wrote the table of {len(platform.measures)} measures into {readme}")
        return 0
    for plugin in platform.plugins:
        info = platform.measures.get(plugin.name)
        label = f"{info.code} {info.title_zh} ({info.title})" if info else "-"
        print(f"{plugin.name:24} {plugin.origin:12} {label}")
    return 0


def cmd_rollout(args: argparse.Namespace) -> int:
    from core.actor import ANONYMOUS
    from core.api.queries import measure_status
    from core.context import Context

    platform = _platform(existing=True)
    ctx = Context(platform, ANONYMOUS)
    day = dt.date.fromisoformat(args.date) if args.date else platform.clock.today()
    for slug in sorted(platform.measures, key=lambda s: platform.measures[s].code):
        status = measure_status(ctx, slug, args.city, day)
        mark = "ON " if status.in_force else "off"
        print(f"{platform.measures[slug].code} {mark} {slug:24} {status.reason}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from core.accounts import Account, PartnerClient, PartnerOrg
    from core.actor import ANONYMOUS
    from core.api.mutations import issue_partner_token, issue_user_token
    from core.context import Context

    platform = _platform()
    if platform.settings.production:
        print("refused: development tokens are not minted in production mode", file=sys.stderr)
        return 2
    ctx = Context(platform, ANONYMOUS)
    with Session(platform.engine) as session:
        account = session.exec(select(Account).where(Account.login == args.login)).first()
        if account is not None:
            print(issue_user_token(ctx, account)[0])
            return 0
        client = session.get(PartnerClient, args.login)
        if client is not None:
            org = session.get(PartnerOrg, client.org_id)
            assert org is not None
            print(issue_partner_token(ctx, client, org)[0])
            return 0
    print(f"no account or partner client {args.login!r}", file=sys.stderr)
    return 1


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    platform = _platform(existing=True)
    kid = platform.keys.rotate(args.purpose, platform.clock.now())
    print(f"{args.purpose} key rotated: {kid} is now active; the previous one is retiring")
    return 0


def cmd_retire_key(args: argparse.Namespace) -> int:
    """Withdraw a RETIRING key once nothing it signed can still be valid.

    auth keys: from the access-token lifetime (+ the nbf leeway) after they stopped signing.
    document keys: QR payloads last minutes and status lists an hour, but passes, certificates
    and entrustments signed with the key may be valid for months; the platform keeps no index of
    documents by key, so the operator states it with --documents-expired, and the key has been
    retiring for at least a day. Audit keys are never retired."""
    from core.auth.tokens import LEEWAY_SECONDS
    from core.documents.keys import KeyRetirementError

    platform = _platform(existing=True)
    now = platform.clock.now()
    since = platform.keys.retiring_since(args.kid)
    earliest = None
    if since is not None:
        purpose, retiring_at = since
        if purpose == "auth":
            lifetime = platform.settings.access_token_minutes * 60 + LEEWAY_SECONDS
            earliest = retiring_at + dt.timedelta(seconds=lifetime)
        elif purpose == "document":
            if not args.documents_expired:
                print(
                    f"{args.kid} signs documents: retire it only when every pass, certificate, "
                    "entrustment and receipt it signed has expired or been re-issued, and say so "
                    "with --documents-expired",
                    file=sys.stderr,
                )
                return 2
            earliest = retiring_at + dt.timedelta(days=1)
    try:
        platform.keys.retire(args.kid, now, earliest=earliest)
    except KeyRetirementError as refusal:
        print(f"not retired: {refusal}", file=sys.stderr)
        return 2
    print(f"{args.kid} retired: withdrawn from the published keys; it verifies nothing now")
    return 0


def _seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0 or more)")
    return value


def _missing_database() -> str | None:
    """Why a command that works on an existing database cannot run: DATABASE_URL names an SQLite
    database that is not there (a missing or empty file, one that is not SQLite or holds another
    application's tables, a directory, or an in-memory database). Opening it would create an
    empty database, and e.g. audit-verify would call its empty log intact. None when there is one (PostgreSQL: the server says)."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from core.settings import Settings

    url = make_url(Settings.from_env().database_url)
    if url.get_backend_name() != "sqlite":
        return None
    path = url.database
    if not path or path == ":memory:":
        return "DATABASE_URL names an in-memory SQLite database, which holds nothing to work on"
    fix = "create one with db-migrate, or fix the path"
    if not Path(path).exists():
        return f"no database at {path} (DATABASE_URL); {fix}"
    if Path(path).is_dir():
        return f"{path} (DATABASE_URL) is a directory, not a database; {fix}"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            ours = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'"
            ).fetchone()[0]
    except sqlite3.DatabaseError:
        return f"{path} (DATABASE_URL) is not an SQLite database; {fix}"
    if not tables:
        return f"the database at {path} (DATABASE_URL) is empty; {fix}"
    if not ours:
        return f"the database at {path} (DATABASE_URL) is not this platform's (no audit log); {fix}"
    return None


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from core.audit import verify_logs

    platform = _platform(existing=True)
    report = verify_logs(
        platform.engine,
        platform.clock.now(),
        progress=lambda log_id, n: print(f"  {log_id}: {n} entries checked", file=sys.stderr),
        max_pending_seconds=args.max_pending,
    )
    for log in report.logs:
        state = "intact" if log.ok else "BROKEN"
        print(
            f"log {log.log_id}: {state}, {log.leaves} entries, {log.tree_heads} signed tree heads, "
            f"{log.pending} waiting"
        )
    if report.first_broken is None:
        print(f"audit log intact: {report.events} entries in {len(report.logs)} logs")
        return 0
    for broken in (log for log in report.logs if not log.ok):  # each broken log, with its reason
        where = f" at leaf {broken.broken_at}" if broken.broken_at is not None else ""
        event = f" ({broken.event})" if broken.event else ""
        print(f"audit log {broken.log_id} BROKEN{where}{event}: {broken.reason}")
    return 1


def cmd_audit_sequence(args: argparse.Namespace) -> int:
    import time

    from core.audit import sequence_all

    platform = _platform(existing=True)
    marks: dict[str, tuple[int, int]] = {}
    refused: dict[str, str] = {}  # a damaged log's refusal, said once (the other logs go on)
    try:
        while True:
            now = platform.clock.now()
            done = sequence_all(platform.engine, platform.keys, now, watermarks=marks)
            for result in done:  # flushed: a supervisor's log shows each line as it happens
                if result.refused is None:
                    refused.pop(result.log_id, None)
                    print(
                        f"log {result.log_id}: +{result.added} -> {result.tree_size} entries",
                        flush=True,
                    )
                    continue
                if refused.get(result.log_id) != result.refused:
                    print(
                        f"audit-sequence refused: {result.refused}; run audit-verify",
                        file=sys.stderr,
                        flush=True,
                    )
                refused[result.log_id] = result.refused
            if args.once and not done:
                print("nothing waiting: every log is up to date")
            if args.once:
                return 1 if refused else 0
            time.sleep(args.interval)
    except KeyboardInterrupt:  # Ctrl-C: stop between passes' statements, without a traceback
        print("audit-sequence stopped", file=sys.stderr)
        return 130


def cmd_identifiers_check(args: argparse.Namespace) -> int:
    from core.stored_forms import non_canonical

    platform = _platform(existing=True)
    with Session(platform.engine) as session:
        findings = non_canonical(session)
    for f in findings:
        print(json.dumps(f.__dict__, ensure_ascii=True))
    print(f"{len(findings)} stored identifiers not in their stored form", file=sys.stderr)
    return 1 if findings else 0


def cmd_report(args: argparse.Namespace) -> int:
    platform = _platform(existing=True)
    spec = platform.reports.get(args.name)
    if spec is None:
        print(
            f"unknown report {args.name!r}; known: {', '.join(sorted(platform.reports))}",
            file=sys.stderr,
        )
        return 1
    from core import reports
    from core.divisions import PROVINCES
    from core.plugin_api import ReportLevel

    level = (
        ReportLevel.NATION
        if args.city == reports.NATION
        else ReportLevel.PROVINCE
        if args.city in PROVINCES
        else ReportLevel.CITY
    )
    area = reports.make_area(level, args.city)
    with Session(platform.engine) as session:
        result = reports.run(
            session, spec, area, dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
        ).result
    print("\t".join(["label", *result.columns]))
    for row in result.rows:
        print("\t".join([row.label, *(str(row.figures.get(c, "")) for c in result.columns)]))
    for note in result.notes:
        print(f"# {note}")
    return 0


def cmd_job(args: argparse.Namespace) -> int:
    platform = _platform(existing=True)
    job = platform.jobs.get(args.name)
    if job is None:
        print(
            f"unknown job {args.name!r}; known: {', '.join(sorted(platform.jobs))}", file=sys.stderr
        )
        return 1
    from core.job_lock import single_instance

    with single_instance(platform.engine, args.name) as mine:
        if not mine:  # another copy is running it: one instance at a time (core/job_lock.py)
            print(json.dumps({"skipped": "another instance is running this job"}))
            return 0
        result = job.run(platform, platform.clock.now())
    print(json.dumps(result, ensure_ascii=False, default=str))
    # a job that lists what it refused (e.g. audit_sequence's damaged logs) exits 1, for cron
    return 1 if isinstance(result, dict) and result.get("refused") else 0


def cmd_crontab(args: argparse.Namespace) -> int:
    """The crontab of every scheduled job of the installed measures, and the daily audit check."""
    platform = _platform()
    lines = ["CRON_TZ=Asia/Shanghai"]
    for name, job in sorted(platform.jobs.items(), key=lambda item: item[0]):
        fields = job.cron_fields
        if fields is not None:
            note = f"  # {job.description}" if job.description else ""
            lines.append(f"{fields:13} python -m core.cli job {name}{note}")
    lines.append("30 3 * * *    python -m core.cli audit-verify  # alert when it exits non-zero")
    print("\n".join(lines))
    return 0


def job_list() -> str:
    """The jobs of the selected plugins (APP_PLUGINS; no database needed), one a line: name,
    schedule (Beijing time), what it does."""
    from core.plugin_host import collect, load_plugins
    from core.settings import Settings

    pm, _ = load_plugins(Settings.from_env().plugins, ())
    jobs = sorted((job for _, specs in collect(pm, "register_jobs") for job in specs), key=_name)
    width = max((len(job.name) for job in jobs), default=0)
    lines = [f"  {job.name:{width}}  {job.schedule}: {job.description}" for job in jobs]
    return "jobs (name, schedule in Beijing time):\n" + "\n".join(lines)


def _name(job: Any) -> str:
    return job.name


def build_parser(job_help: bool = False) -> argparse.ArgumentParser:
    """The command line; `job_help`: list the jobs in `job --help` (loads the plugins)."""
    parser = argparse.ArgumentParser(prog="python -m core.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "db-init", help="create tables, seed the default rollout, create signing keys"
    ).set_defaults(fn=cmd_db_init)
    p = sub.add_parser("db-migrate", help="apply the alembic migrations (production databases)")
    p.add_argument(
        "revision",
        nargs="?",
        default="heads",
        help="the revision to upgrade to: heads (the default: every branch, the core's and each "
        "installed measure's), or one branch's revision such as core_0010, which upgrades that "
        "branch (and what it depends on) only; never downgrades",
    )
    p.set_defaults(fn=cmd_db_migrate)
    p = sub.add_parser(
        "db-revision",
        help="autogenerate a migration on one branch (core or a measure's slug) from its models",
    )
    p.add_argument("branch")
    p.add_argument("-m", "--message", required=True)
    p.set_defaults(fn=cmd_db_revision)
    p = sub.add_parser("demo-load", help="load the demo data set into an empty database")
    p.add_argument(
        "--licences",
        type=int,
        default=0,
        help="also add this many synthetic licences (shows progress)",
    )
    p.set_defaults(fn=cmd_demo_load)
    p = sub.add_parser("schema", help="write the composed schema to schema.graphql (or --check it)")
    p.add_argument("--output", default="schema.graphql")
    p.add_argument("--check", action="store_true")
    p.set_defaults(fn=cmd_schema)
    p = sub.add_parser("plugins", help="list loaded plugins and their measures")
    p.add_argument(
        "--markdown", action="store_true", help="the README's table of measures (code, slug)"
    )
    p.add_argument(
        "--write", action="store_true", help="with --markdown: write the table into README.md"
    )
    p.set_defaults(fn=cmd_plugins)
    p = sub.add_parser("rollout", help="which measures are in force in a city on a date")
    p.add_argument("city")
    p.add_argument("--date")
    p.set_defaults(fn=cmd_rollout)
    p = sub.add_parser(
        "token", help="print a development token for a demo login or partner client id"
    )
    p.add_argument("login")
    p.set_defaults(fn=cmd_token)
    p = sub.add_parser("rotate-keys", help="rotate the signing keys of one purpose")
    p.add_argument("purpose", choices=["auth", "document", "audit"])
    p.set_defaults(fn=cmd_rotate_keys)
    p = sub.add_parser("retire-key", help="withdraw a retiring key once what it signed expired")
    p.add_argument("kid")
    p.add_argument(
        "--documents-expired",
        action="store_true",
        help="for a document key: every document it signed has expired or been re-issued",
    )
    p.set_defaults(fn=cmd_retire_key)
    sub.add_parser(
        "crontab", help="print the crontab of every scheduled job (Beijing time)"
    ).set_defaults(fn=cmd_crontab)
    p = sub.add_parser(
        "audit-verify",
        help="verify every audit log and its signed tree heads; name the first broken entry",
    )
    p.add_argument(
        "--max-pending",
        type=_seconds,
        default=300.0,
        help="seconds an event may wait to be integrated before it counts as a fault",
    )
    p.set_defaults(fn=cmd_audit_verify)
    p = sub.add_parser(
        "audit-sequence",
        help="integrate committed audit events into the logs' Merkle trees "
        "and sign tree heads (loops; --once for one pass)",
    )
    p.add_argument("--once", action="store_true")
    p.add_argument("--interval", type=_seconds, default=0.5)
    p.set_defaults(fn=cmd_audit_sequence)
    sub.add_parser(
        "identifiers-check",
        help="list stored ID numbers, credit codes, VINs, plates and file numbers not in their "
        "one stored form (read-only)",
    ).set_defaults(fn=cmd_identifiers_check)
    p = sub.add_parser(
        "report", help="run a plugin's report for a city, a province (sum) or CN, and a period"
    )
    p.add_argument("name")
    p.add_argument("city", help="a city code, a province code or CN")
    p.add_argument("start")
    p.add_argument("end")
    p.set_defaults(fn=cmd_report)
    p = sub.add_parser(
        "job",
        help="run a scheduled job once (`job --help` lists them)",
        epilog=job_list() if job_help else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", help="the job's name (listed below)")
    p.set_defaults(fn=cmd_job)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    job_help = argv[:1] == ["job"] and any(a in ("-h", "--help") for a in argv[1:])
    args = build_parser(job_help).parse_args(argv)
    from core.settings import Settings

    try:
        Settings.from_env()  # a malformed variable: one line naming it, not a traceback
    except ValueError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 78  # EX_CONFIG (sysexits.h)
    from sqlalchemy.exc import OperationalError

    try:
        return int(args.fn(args))
    except KeyboardInterrupt:  # Ctrl-C, at start-up or mid-command: no traceback
        print("interrupted", file=sys.stderr)
        return 130
    except OperationalError as error:  # e.g. PostgreSQL unreachable: one line, not a traceback
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        print(f"database unavailable: {reason}", file=sys.stderr)
        return 69  # EX_UNAVAILABLE (sysexits.h)


if __name__ == "__main__":
    sys.exit(main())
