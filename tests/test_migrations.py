"""The alembic migrations build exactly the schema the models describe."""

import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from core import cli
from core.db import make_engine


def test_upgrade_head_matches_the_models(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/migrated.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate"]) == 0
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff[:5]}"


def test_db_migrate_says_where_the_database_is(tmp_path, monkeypatch, capsys):
    """An unknown revision is refused in one line (exit 2); a revision the database is already
    past changes nothing and says so (alembic only upgrades here)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/m.db")
    assert cli.main(["db-migrate", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("not migrated: Can't locate revision identified by 'bogus'")
    assert err.count("\n") == 1
    assert cli.main(["db-migrate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("database migrated to heads: at ")
    from alembic.script import ScriptDirectory

    from core.schema_migrations import alembic_config, current_revisions

    url = f"sqlite:///{tmp_path}/m.db"
    named = set(out.removeprefix("database migrated to heads: at ").strip().split(", "))
    assert named == current_revisions(url), out
    # the core's head is named, or implied by a measure's baseline that depends on it (alembic
    # records only the dependent; db-revision makes a new measure's baseline depend on it)
    script = ScriptDirectory.from_config(alembic_config(url))
    core_head = script.get_revision("core@head").revision
    assert any(core_head in _ancestors(script, r) for r in named), out
    assert cli.main(["db-migrate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("database already at heads, nothing to do: at ")
    assert cli.main(["db-migrate", "core_0009"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("database already past core_0009 (db-migrate only upgrades): at ")
    assert cli.main(["db-migrate", "head"]) == 0  # one head per branch: "head" is all of them
    assert capsys.readouterr().out.startswith("database already at head, nothing to do: at ")
    for step in ("-1", "core@-1", "+2"):
        assert cli.main(["db-migrate", step]) == 2
        assert capsys.readouterr().err.startswith(
            f"not migrated: '{step}' is a relative step; db-migrate only upgrades, to a revision"
        )
    for typo in ("", "core@"):
        assert cli.main(["db-migrate", typo]) == 2
        assert capsys.readouterr().err.startswith(f"not migrated: '{typo}' is not a revision")
    assert cli.main(["db-migrate", "core@head"]) == 0
    assert capsys.readouterr().out.startswith("database already at core@head, nothing to do: at ")


def _ancestors(script, head):
    """The revisions `head` needs (down revisions and dependencies), itself included."""
    return {r.revision for r in script.iterate_revisions(head, "base")}


def test_a_database_created_from_the_models_is_stamped_then_migrated(tmp_path, monkeypatch, capsys):
    """`db-init` / the server's first start create tables without a migration record: db-migrate
    stamps a database that matches the models, and refuses (naming the difference) one that
    does not, rather than failing on CREATE TABLE of a table that exists."""
    from sqlalchemy import text

    from core.schema_migrations import current_revisions
    from core.tables import create_schema

    url = f"sqlite:///{tmp_path}/created.db"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    create_schema(engine)
    assert current_revisions(url) == set()
    assert cli.main(["db-migrate"]) == 0
    assert capsys.readouterr().out.startswith(
        "database tables already matched the current models (created without migrations): "
        "recorded as migrated to heads: at "
    )
    from alembic.script import ScriptDirectory

    from core.schema_migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    heads = set(script.get_heads())
    # every head is recorded, except one that another head depends on (alembic records only the
    # dependent: a measure's baseline made by db-revision depends on the core's head)
    implied = {h for h in heads if any(o != h and h in _ancestors(script, o) for o in heads)}
    assert current_revisions(url) == heads - implied
    assert any(h.startswith("online_entrustment_") for h in heads)  # a measure's branch
    assert cli.main(["db-migrate"]) == 0  # already at every head
    drifted = f"sqlite:///{tmp_path}/drifted.db"
    monkeypatch.setenv("DATABASE_URL", drifted)
    other = make_engine(drifted)
    create_schema(other)
    with other.begin() as conn:
        conn.execute(text("ALTER TABLE outbox_messages ADD COLUMN extra TEXT"))
    capsys.readouterr()
    assert cli.main(["db-migrate"]) == 2
    assert "outbox_messages" in capsys.readouterr().err
    assert current_revisions(drifted) == set()
    engine.dispose()
    other.dispose()


def _legacy_chain(conn, events):
    """Write events as the hash-chained log of revision 0001 did (prev_hash, hash)."""
    import datetime as dt
    import hashlib

    import orjson
    from sqlalchemy import text

    prev = "0" * 64
    for seq, (kind, jurisdiction, outcome) in enumerate(events, start=1):
        at = dt.datetime(2024, 9, 2, 1, 0, seq, tzinfo=dt.UTC)
        body = {
            "at": at.isoformat(timespec="microseconds"),
            "actor_account_id": None,
            "actor_kind": kind,
            "actor_role": None,
            "jurisdiction": jurisdiction,
            "action": "core.sign_in",
            "measure": "core",
            "subject_person_id": None,
            "subject_ref": None,
            "outcome": outcome,
            "detail": {},
        }
        digest = hashlib.sha256(
            prev.encode() + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        ).hexdigest()
        conn.execute(
            text(
                "INSERT INTO audit_events (seq, at, actor_kind, jurisdiction, action, measure, "
                "outcome, detail, prev_hash, hash) VALUES (:seq, :at, :kind, :j, 'core.sign_in', "
                "'core', :outcome, '{}', :prev, :hash)"
            ),
            {"seq": seq, "at": at, "kind": kind, "j": jurisdiction, "outcome": outcome,
             "prev": prev, "hash": digest},
        )  # fmt: skip
        prev = digest


def test_the_old_hash_chain_becomes_the_first_leaves_of_its_logs(tmp_path, monkeypatch):
    import datetime as dt

    from sqlalchemy import text

    from core.audit import sequence_all, verify_logs
    from core.documents.keys import KeyRing

    url = f"sqlite:///{tmp_path}/legacy.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate", "0001"]) == 0
    engine = make_engine(url)
    with engine.begin() as conn:
        _legacy_chain(
            conn,
            [("ANONYMOUS", None, "OK"), ("STAFF", "320000/320100", "OK"), ("ANONYMOUS", None, "X")],
        )
    assert cli.main(["db-migrate"]) == 0
    now = dt.datetime(2024, 9, 2, 12, tzinfo=dt.UTC)
    keys = KeyRing(engine)
    keys.ensure(now)
    done = {r.log_id: r.added for r in sequence_all(engine, keys, now)}
    assert done == {"national": 2, "320000": 1}
    with engine.connect() as conn:
        uids = [r[0] for r in conn.execute(text("SELECT uid FROM audit_events ORDER BY seq"))]
    assert uids == ["LEGACY0000000001", "LEGACY0000000002", "LEGACY0000000003"]
    assert verify_logs(engine, now).ok
    engine.dispose()


def test_a_broken_old_chain_stops_the_migration(tmp_path, monkeypatch):
    import pytest
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path}/broken.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate", "0001"]) == 0
    engine = make_engine(url)
    with engine.begin() as conn:
        _legacy_chain(conn, [("ANONYMOUS", None, "OK"), ("ANONYMOUS", None, "OK")])
        conn.execute(text("UPDATE audit_events SET outcome = 'EDITED' WHERE seq = 2"))
    with pytest.raises(RuntimeError, match="broken at event 2"):
        cli.main(["db-migrate"])
    engine.dispose()


def test_high_s_entrustment_qr_texts_are_rewritten_to_their_one_encoding(tmp_path, monkeypatch):
    """Revision 0003: an entrustment QR signed before signatures were low-S still verifies."""
    import base45
    import cbor2
    from cryptography.hazmat.primitives.asymmetric import ec
    from sqlalchemy import text

    from verifier import codec

    key = ec.generate_private_key(ec.SECP256R1())

    class Signer:
        kid = "D1234567"

        def sign(self, data: bytes) -> bytes:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    good = codec.issue("EN1:", Signer.kid, {1: "G1", 2: "ONLINE"}, Signer().sign)
    message = cbor2.loads(base45.b45decode(good[4:]))
    protected, unprotected, payload, signature = message.value
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    high = signature[:32] + (n - int.from_bytes(signature[32:], "big")).to_bytes(32, "big")
    old_text = (
        "EN1:"
        + base45.b45encode(
            cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, high]))
        ).decode()
    )
    try:
        codec.parse(old_text, "EN1:")
        raise AssertionError("a high-S text must be refused")
    except codec.MalformedPayload:
        pass
    url = f"sqlite:///{tmp_path}/qr.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate", "0002"]) == 0
    import sqlite3

    raw = sqlite3.connect(f"{tmp_path}/qr.db")  # foreign keys off: the grant's owner is not there
    columns = [r[1] for r in raw.execute("PRAGMA table_info(online_entrustment_grants)")]
    values = {c: "x" for c in columns}
    values.update({"id": "G1", "qr": old_text})
    raw.execute(
        f"INSERT INTO online_entrustment_grants ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)})",
        values,
    )
    raw.commit()
    raw.close()
    engine = make_engine(url)
    assert cli.main(["db-migrate"]) == 0
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT qr FROM online_entrustment_grants")).scalar()
    assert stored == good
    engine.dispose()


def test_upgrading_a_pre_split_database_ends_at_every_branchs_head(tmp_path, monkeypatch):
    """A database of the old single chain (legacy 0004) continues on the per-measure branches."""
    from core.schema_migrations import current_revisions

    url = f"sqlite:///{tmp_path}/old.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate", "0004"]) == 0
    assert current_revisions(url) == {"0004"}
    assert cli.main(["db-migrate"]) == 0
    revisions = current_revisions(url)
    assert "0004" not in revisions
    assert any(r.startswith("online_entrustment_") for r in revisions)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_a_measure_added_after_the_split_gets_its_tables_on_an_old_database(tmp_path, monkeypatch):
    """A pre-split database holds only the old chain's measures: a measure bundled since has its
    baseline applied (its tables created), not stamped as if it were there."""
    import importlib
    import sys

    from sqlalchemy import inspect

    from core import schema_migrations

    package = tmp_path / "latecomer"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "import sqlalchemy as sa\nfrom sqlmodel import SQLModel\n"
        "things = sa.Table('latecomer_things', SQLModel.metadata,\n"
        "    sa.Column('id', sa.String(16), primary_key=True))\n"
    )
    (package / "migrations" / "latecomer_0001.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "latecomer_0001"\n'
        'down_revision = None\nbranch_labels = ("latecomer",)\n'
        'depends_on = ("core_0001",)\n\n\ndef upgrade() -> None:\n'
        '    op.create_table("latecomer_things", sa.Column("id", sa.String(16), primary_key=True))'
        "\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "plugins.latecomer", importlib.import_module("latecomer"))
    bundled = [*schema_migrations.bundled_plugin_names(), "latecomer"]
    monkeypatch.setattr(schema_migrations, "bundled_plugin_names", lambda: bundled)
    url = f"sqlite:///{tmp_path}/old-with-latecomer.db"
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert cli.main(["db-migrate", "0004"]) == 0
        assert cli.main(["db-migrate"]) == 0
        engine = make_engine(url)
        with engine.connect() as conn:
            assert inspect(conn).has_table("latecomer_things")
        engine.dispose()
        assert "latecomer_0001" in schema_migrations.current_revisions(url)
    finally:
        SQLModel.metadata.remove(SQLModel.metadata.tables["latecomer_things"])
        sys.modules.pop("latecomer", None)


def test_a_measure_from_another_distribution_ships_its_own_tables(tmp_path, monkeypatch):
    """An installed (entry point) measure with a `migrations/` folder beside its module gets its
    branch upgraded with the others, its first revision depending on the core's."""
    import sys

    from sqlalchemy import inspect

    from core import plugin_host, schema_migrations

    package = tmp_path / "thirdparty_measure"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "import sqlalchemy as sa\nfrom sqlmodel import SQLModel\n"
        "things = sa.Table('thirdparty_things', SQLModel.metadata,\n"
        "    sa.Column('id', sa.String(16), primary_key=True))\n"
    )
    (package / "migrations" / "thirdparty_0001.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "thirdparty_0001"\n'
        'down_revision = None\nbranch_labels = ("thirdparty_measure",)\n'
        'depends_on = ("core_0001",)\n\n\ndef upgrade() -> None:\n'
        '    op.create_table("thirdparty_things", sa.Column("id", sa.String(16), primary_key=True))'
        '\n\n\ndef downgrade() -> None:\n    op.drop_table("thirdparty_things")\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(plugin_host, "entry_point_modules", lambda: ["thirdparty_measure"])
    monkeypatch.setattr(schema_migrations, "entry_point_modules", lambda: ["thirdparty_measure"])
    url = f"sqlite:///{tmp_path}/with-thirdparty.db"
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert cli.main(["db-migrate"]) == 0
        engine = make_engine(url)
        with engine.connect() as conn:
            assert inspect(conn).has_table("thirdparty_things")
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        engine.dispose()
        assert diff == []
        assert "thirdparty_0001" in schema_migrations.current_revisions(url)
    finally:
        SQLModel.metadata.remove(SQLModel.metadata.tables["thirdparty_things"])
        sys.modules.pop("thirdparty_measure", None)


def test_a_new_measure_gets_its_branch_from_db_revision(tmp_path, monkeypatch, capsys):
    """A measure with tables and no migrations yet: `db-revision <slug>` creates
    `migrations/<slug>_0001…` beside its module (branch label <slug>, depending on the core's
    head) with only its tables; `db-migrate` then builds them; a second revision is <slug>_0002."""
    import sys

    import sqlalchemy as sa

    from core import plugin_host, schema_migrations

    package = tmp_path / "newmeasure"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from sqlmodel import Field, SQLModel\n\n\nclass Thing(SQLModel, table=True):\n"
        "    __tablename__ = 'newmeasure_things'\n"
        "    id: str = Field(primary_key=True, max_length=16)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(plugin_host, "entry_point_modules", lambda: ["newmeasure"])
    monkeypatch.setattr(schema_migrations, "entry_point_modules", lambda: ["newmeasure"])
    url = f"sqlite:///{tmp_path}/new-measure.db"
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        assert cli.main(["db-migrate"]) == 0
        assert cli.main(["db-revision", "newmeasure", "-m", "baseline"]) == 0
        [baseline] = (package / "migrations").glob("newmeasure_0001*.py")
        text = baseline.read_text()
        assert (
            "branch_labels = ('newmeasure',)" in text or 'branch_labels = ("newmeasure",)' in text
        )
        from alembic.script import ScriptDirectory

        core_head = ScriptDirectory.from_config(schema_migrations.alembic_config(url))
        core_head = core_head.get_revisions("core@head")[0].revision
        assert f"depends_on = '{core_head}'" in text or f'depends_on = "{core_head}"' in text
        assert "newmeasure_things" in text and "persons" not in text
        style = subprocess.run(  # the generated file is in the house style already
            [sys.executable, "-m", "ruff", "format", "--check", str(baseline)], check=False
        )
        assert style.returncode == 0
        assert cli.main(["db-migrate"]) == 0
        engine = make_engine(url)
        with engine.connect() as conn:
            assert sa.inspect(conn).has_table("newmeasure_things")
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        engine.dispose()
        assert diff == []
        things = SQLModel.metadata.tables["newmeasure_things"]
        things.append_column(sa.Column("label", sa.String(20), nullable=True))
        assert cli.main(["db-revision", "newmeasure", "-m", "label"]) == 0
        [second] = (package / "migrations").glob("newmeasure_0002*.py")
        assert "newmeasure_0001" in second.read_text() and "label" in second.read_text()
        assert cli.main(["db-revision", "nosuchmeasure", "-m", "x"]) == 2
        assert "no measure 'nosuchmeasure'" in capsys.readouterr().err
    finally:
        SQLModel.metadata.remove(SQLModel.metadata.tables["newmeasure_things"])
        sys.modules.pop("newmeasure", None)


def test_a_new_revision_goes_to_its_measures_branch_with_only_its_tables(tmp_path, monkeypatch):
    """`db-revision <slug>` writes the revision into plugins/<slug>/migrations, on that branch,
    and looks only at that measure's tables (here one new column)."""
    import sqlalchemy as sa

    from core.schema_migrations import new_revision
    from plugins.online_entrustment.models import EntrustmentGrant

    url = f"sqlite:///{tmp_path}/rev.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db-migrate"]) == 0
    table = EntrustmentGrant.__table__
    column = sa.Column("note_for_test", sa.String(10), nullable=True)
    table.append_column(column)
    path = ""
    try:
        path = new_revision(url, "online_entrustment", "note for test")
        text = Path(path).read_text()
        assert "/plugins/online_entrustment/migrations/" in path
        assert "note_for_test" in text and 'down_revision = "online_entrustment_' in text
        assert "persons" not in text and "truck_pass" not in text
    finally:
        table._columns.remove(column)  # noqa: SLF001 - undo the model change of this test
        if path:
            import os

            os.unlink(path)


def test_insurers_and_banks_keep_verifying_vehicle_licences(tmp_path):
    """core_0009: M13 now needs `vehicle_licence:verify`; insurer and bank registrations (whose
    roles may call it, and could before without a scope) get it on upgrade, other kinds do not;
    downgrade takes it away again."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    from core.schema_migrations import alembic_config

    url = f"sqlite:///{tmp_path}/scopes.db"
    config = alembic_config(url)
    command.upgrade(config, "core_0005")
    engine = make_engine(url)
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for org_id, kind, scopes in (
            ("ORGINSURER000001", "INSURER", '["licence:verify"]'),
            ("ORGBANK000000001", "BANK", '["mortgage:file"]'),
            ("ORGRENTAL0000001", "RENTAL", '["licence:verify"]'),
        ):
            conn.execute(
                text(
                    "INSERT INTO partner_orgs (id, name, kind, scopes, allowed_claims, status, "
                    "created_at) VALUES (:id, 'x', :kind, :scopes, '[]', 'ACTIVE', :now)"
                ),
                {"id": org_id, "kind": kind, "scopes": scopes, "now": now},
            )

    def scopes() -> dict[str, list[str]]:
        import json

        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, scopes FROM partner_orgs ORDER BY id")).all()
        return {org_id: json.loads(value) for org_id, value in rows}

    command.upgrade(config, "core_0009")
    assert scopes() == {
        "ORGBANK000000001": ["mortgage:file", "vehicle_licence:verify"],
        "ORGINSURER000001": ["licence:verify", "vehicle_licence:verify"],
        "ORGRENTAL0000001": ["licence:verify"],
    }
    command.downgrade(config, "core_0005")
    assert scopes()["ORGBANK000000001"] == ["mortgage:file"]
    assert scopes()["ORGINSURER000001"] == ["licence:verify"]
    engine.dispose()


def test_two_partners_with_one_credit_code_stop_the_unique_index(tmp_path):
    """core_0011 makes partner_orgs.credit_code unique; a database that already holds two
    partners with one code is refused with the code named (nothing half-migrated), and migrates
    once they are merged. Partners without a code (null) are not constrained."""
    import datetime as dt

    import pytest
    from alembic import command
    from sqlalchemy import text

    from core.schema_migrations import alembic_config

    url = f"sqlite:///{tmp_path}/codes.db"
    config = alembic_config(url)
    command.upgrade(config, "core_0010")
    engine = make_engine(url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    insert = text(
        "INSERT INTO partner_orgs (id, name, kind, credit_code, scopes, allowed_claims, status, "
        "created_at) VALUES (:id, 'x', 'INSURER', :code, '[]', '[]', 'ACTIVE', :now)"
    )
    with engine.begin() as conn:
        for org_id, code in (("ORG0000000000001", "91320100MA1XXXXX01"),
                             ("ORG0000000000002", "91320100MA1XXXXX01"),
                             ("ORG0000000000003", None), ("ORG0000000000004", None)):  # fmt: skip
            conn.execute(insert, {"id": org_id, "code": code, "now": now})
    with pytest.raises(RuntimeError, match="credit code.s. 91320100MA1XXXXX01: merge them"):
        command.upgrade(config, "core_0011")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM partner_orgs WHERE id = 'ORG0000000000002'"))
    command.upgrade(config, "core_0011")
    with pytest.raises(Exception, match="UNIQUE"), engine.begin() as conn:
        conn.execute(insert, {"id": "ORG0000000000005", "code": "91320100MA1XXXXX01", "now": now})
    engine.dispose()


def test_a_database_older_than_the_code_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    """Tables made before a migration added a column: the platform refuses to start on them,
    saying to run db-migrate, rather than fail on every request and sequencer pass."""
    from sqlalchemy import text

    from core.platform import build_platform
    from core.settings import Settings
    from core.tables import StaleSchema, create_schema

    url = f"sqlite:///{tmp_path}/old.db"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_tree_heads DROP COLUMN previous_size"))
    engine.dispose()
    with pytest.raises(StaleSchema, match=r"audit_tree_heads\.previous_size\): run `python -m"):
        build_platform(Settings.from_env())
    with pytest.raises(SystemExit) as stop:
        cli.main(["audit-verify"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith(
        "the database lacks columns this version needs (audit_tree_heads.previous_size): run"
    )


def test_an_unreachable_database_is_said_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    assert cli.main(["audit-verify"]) == 69
    err = capsys.readouterr().err
    assert err.startswith("database unavailable: ") and err.count("\n") == 1
