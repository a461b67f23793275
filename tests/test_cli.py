"""The operator CLI: each subcommand against a test platform."""

import datetime as dt

import pytest
from sqlmodel import select

from core import cli


@pytest.fixture
def cli_env(example_env, monkeypatch):
    monkeypatch.setattr(cli, "_platform", lambda **_: example_env.platform)
    return example_env


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in (
        "db-init",
        "db-migrate",
        "demo-load",
        "schema",
        "plugins",
        "rollout",
        "token",
        "rotate-keys",
        "retire-key",
        "audit-verify",
        "identifiers-check",
        "report",
        "job",
    ):
        assert command in out


def test_token_prints_a_working_token(cli_env, capsys):
    assert cli.main(["token", "clerk.nj"]) == 0
    token = capsys.readouterr().out.strip()
    assert cli_env.gql("{ me { roles } }", as_=token)["data"]["me"]["roles"] == ["CLERK"]
    assert cli.main(["token", "insurer-demo"]) == 0
    assert cli.main(["token", "nobody"]) == 1


def test_token_refused_in_production(cli_env, monkeypatch, capsys):
    from dataclasses import replace

    monkeypatch.setattr(
        cli_env.platform, "settings", replace(cli_env.platform.settings, mode="production")
    )
    assert cli.main(["token", "clerk.nj"]) == 2
    assert "refused" in capsys.readouterr().err


def test_plugins_rollout_and_jobs(cli_env, capsys):
    assert cli.main(["plugins"]) == 0
    assert "example_measure" in capsys.readouterr().out
    assert cli.main(["rollout", "320100", "--date", "2021-06-01"]) == 0
    assert "M00 ON" in capsys.readouterr().out
    assert cli.main(["job", "outbox_deliver"]) == 0
    assert '"sent"' in capsys.readouterr().out
    assert cli.main(["job", "nope"]) == 1


def test_a_job_runs_one_instance_at_a_time(cli_env, capsys):
    """Review finding: two copies of `job outbox_deliver` started together sent a message twice.
    A copy started while another holds the job's lock (core/job_lock.py) does nothing."""
    from core import outbox
    from core.job_lock import single_instance
    from core.notices import Addressee
    from core.outbox import SentMessage

    env = cli_env
    with env.session() as session:
        outbox.notify(session, env.clock.now(), env.platform.notices,
                      Addressee.account(env.refs["clerk"].id), "core.register.phone_in_use")  # fmt: skip
        session.commit()
    with single_instance(env.platform.engine, "outbox_deliver") as first:
        assert first is True
        with single_instance(env.platform.engine, "outbox_deliver") as second:
            assert second is False  # the lock is the job's, whichever process asks
        assert cli.main(["job", "outbox_deliver"]) == 0
        assert "another instance" in capsys.readouterr().out
        with env.session() as session:
            assert session.exec(select(SentMessage)).all() == []  # the second copy sent nothing
    assert cli.main(["job", "outbox_deliver"]) == 0  # the lock is released after a run
    assert '"sent": 1' in capsys.readouterr().out
    with single_instance(env.platform.engine, "other_job") as other:
        assert other is True  # jobs lock separately


def test_rotate_keys(cli_env, capsys):
    before = cli_env.platform.keys.active("document").kid
    assert cli.main(["rotate-keys", "document"]) == 0
    assert cli_env.platform.keys.active("document").kid != before


def _published(env) -> set[str]:
    return {k["kid"] for k in env.http.get("/.well-known/jwks.json").json()["keys"]}


@pytest.mark.parametrize("purpose", ["auth", "document", "audit"])
def test_retire_key_waits_until_what_it_signed_has_expired(cli_env, capsys, purpose):
    """auth: a token lifetime (+ leeway) after rotation; document: the operator's word and a day;
    audit: never. A refusal changes nothing; a retired key leaves the JWKS."""
    env, keys = cli_env, cli_env.platform.keys
    old = keys.active(purpose).kid
    assert cli.main(["retire-key", old]) == 2  # still ACTIVE
    assert "not a RETIRING key" in capsys.readouterr().err
    assert cli.main(["rotate-keys", purpose]) == 0
    assert cli.main(["retire-key", old]) == 2  # too early, or never for audit
    assert old in _published(env)
    if purpose == "audit":
        assert "never retired" in capsys.readouterr().err
        return
    if purpose == "document":
        assert "--documents-expired" in capsys.readouterr().err
        env.clock.advance(dt.timedelta(days=1))
        assert cli.main(["retire-key", old]) == 2  # the operator has not said so
        args = ["retire-key", old, "--documents-expired"]
    else:
        env.clock.advance(dt.timedelta(minutes=env.platform.settings.access_token_minutes))
        assert cli.main(["retire-key", old]) == 2  # the 30 s leeway is not over
        assert "may be retired from" in capsys.readouterr().err
        env.clock.advance(dt.timedelta(seconds=31))
        args = ["retire-key", old]
    assert cli.main(args) == 0
    assert old not in _published(env)
    assert keys.verifying_key(old, purpose) is None


def test_demo_load_adds_bulk_licences_with_progress(cli_env, capsys):
    assert cli.main(["demo-load", "--licences", "2500"]) == 0
    captured = capsys.readouterr()
    assert "added 2500 synthetic licences" in captured.out
    assert "licences 2500/2500" in captured.err
    assert cli.main(["demo-load", "--licences", "2500"]) == 0  # idempotent
    assert "added 0" in capsys.readouterr().out


def test_identifiers_check_reports_rows_stored_before_normalisation(cli_env, capsys):
    import json

    from core.accounts import Person
    from core.db import stamp

    assert cli.main(["identifiers-check"]) == 0  # the demo data is generated canonical
    zhang = cli_env.refs["zhang"]
    arabic = zhang.id_number[:16] + chr(0x660 + int(zhang.id_number[16])) + zhang.id_number[17]
    with cli_env.session() as s:  # as the old parser let through: other scripts' digits
        s.add(
            Person(
                id_type="MAINLAND_ID",
                id_number=arabic,
                name=zhang.name,
                created_at=stamp(cli_env.clock.now()),
            )
        )
        s.commit()
    capsys.readouterr()
    assert cli.main(["identifiers-check"]) == 1
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    problems = {(f["table"], f["problem"]) for f in found}
    assert problems == {("persons", "LOOK_ALIKE"), ("persons", "DUPLICATE")}
    assert all(zhang.id_number not in line["shown"] for line in found)  # masked
    duplicate = next(f for f in found if f["problem"] == "DUPLICATE")
    assert zhang.id in (duplicate["row_id"], duplicate["other_id"])


def test_the_measures_table_is_written_between_the_readme_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- measures:start -->\nold\n<!-- measures:end -->\n\n## Docs\n")
    cli.write_measures_table(readme, "| code |\n| M01 |\n")
    assert readme.read_text() == (
        "intro\n<!-- measures:start -->\n| code |\n| M01 |\n<!-- measures:end -->\n\n## Docs\n"
    )
