"""Operator command line (review findings): `job --help` lists the jobs, and `db-init` says what
it did (after `db-migrate` it creates nothing, and says so)."""

from __future__ import annotations

import pytest

from core import cli


def test_job_help_lists_every_job_with_its_schedule(capsys, monkeypatch):
    monkeypatch.delenv("APP_PLUGINS", raising=False)
    with pytest.raises(SystemExit) as done:
        cli.main(["job", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "jobs (name, schedule in Beijing time):" in out
    for name, schedule in (
        ("audit_sequence", "continuously"),
        ("outbox_deliver", "every minute"),
        ("credentials.status_lists", "every 15 minutes"),
        ("online_deregistration.scrap_reminders", "daily 08:00"),
    ):
        assert any(
            line.split()[0] == name and schedule in line for line in out.splitlines() if line
        ), name


def test_db_init_says_what_it_created_and_what_was_there(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/init.db")
    assert cli.main(["db-init"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("database ready: ") and " tables created;" in first
    created = int(first.split("database ready: ")[1].split()[0])
    assert created > 20
    assert cli.main(["db-init"]) == 0
    again = capsys.readouterr().out
    assert f"all {created} tables were already there, nothing created" in again
    assert "tables created" not in again


def test_db_init_after_db_migrate_creates_nothing_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/migrated.db")
    assert cli.main(["db-migrate"]) == 0
    capsys.readouterr()
    assert cli.main(["db-init"]) == 0
    out = capsys.readouterr().out
    assert "tables were already there, nothing created" in out, out
    assert "managed by migrations" in out


def test_db_init_summary_names_missing_tables():
    text = cli.db_init_summary({"a", "b", "alembic_version"}, {"a", "b", "alembic_version", "c"})
    assert "1 missing tables created (c), 3 already there" in text
    assert "managed by migrations" in text
