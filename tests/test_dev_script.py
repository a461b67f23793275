"""`python3 dev.py serve` installs only what serving needs; `dev.py test` adds the test tools, and
each says what it is installing (issue 17 item 6). The install itself is stubbed here (no
network); the figure for a real first serve on a fresh environment is in docs/deployment.md."""

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import dev

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# (httpx is not among them: serving delivers monitoring webhooks with it, core/monitoring)
TEST_TOOLS = ("pytest", "hypothesis", "playwright", "schemathesis", "ruff")


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text("")
    monkeypatch.setattr(dev, "VENV", tmp_path)
    monkeypatch.setattr(dev, "PY", python)
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".deps-stamp")
    installs: list[list[str]] = []
    monkeypatch.setattr(dev, "_pip_install", lambda packages: installs.append(list(packages)))
    return installs


def _names(requirements):
    return {r.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip() for r in requirements}


def test_serve_installs_only_the_runtime_dependencies_and_says_so(fake_venv, capsys):
    dev.ensure_env(dev.NEEDS["serve"])
    assert fake_venv == [PROJECT["dependencies"]]
    assert not _names(fake_venv[0]) & set(TEST_TOOLS)
    out = capsys.readouterr().out
    assert "installing what serving needs" in out and "environment ready" in out

    dev.ensure_env(dev.NEEDS["serve"])  # installed: nothing to do, nothing printed
    dev.ensure_env(dev.NEEDS["cli"])
    assert len(fake_venv) == 1 and capsys.readouterr().out == ""


def test_the_test_command_adds_the_test_tools_once(fake_venv, capsys):
    dev.ensure_env(dev.NEEDS["serve"])
    dev.ensure_env(dev.NEEDS["test"])
    assert fake_venv[1] == PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]
    assert set(TEST_TOOLS) <= _names(fake_venv[1])
    assert "installing the test tools" in capsys.readouterr().out
    dev.ensure_env(dev.NEEDS["test"])
    dev.ensure_env(dev.NEEDS["serve"])
    assert len(fake_venv) == 2


def test_a_changed_pyproject_installs_again(fake_venv, monkeypatch, tmp_path):
    dev.ensure_env(dev.NEEDS["test"])
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes() + b"\n# x\n")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    dev.ensure_env(dev.NEEDS["serve"])
    assert len(fake_venv) == 2 and fake_venv[1] == PROJECT["dependencies"]


def test_serving_imports_no_test_tool(tmp_path):
    """The app is built and answers /health with every test-extra package made unimportable."""
    script = textwrap.dedent(
        f"""
        import asyncio, importlib.abc, sys
        BLOCKED = {TEST_TOOLS + ("zxingcpp", "PIL", "pymerkle")!r}
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError("test tool imported while serving: " + name)
        sys.meta_path.insert(0, Block())
        import server
        from core.http import create_app
        app = create_app(server.make_platform())
        sent = []
        async def receive():
            return {{"type": "http.request", "body": b"", "more_body": False}}
        async def send(message):
            sent.append(message)
        scope = {{"type": "http", "method": "GET", "path": "/health", "raw_path": b"/health",
                  "query_string": b"", "headers": [], "client": ("127.0.0.1", 1),
                  "server": ("127.0.0.1", 80), "scheme": "http", "http_version": "1.1",
                  "root_path": ""}}
        asyncio.run(app(scope, receive, send))
        print(sent[0]["status"])
        """
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("200")


def test_serving_with_tracing_on_adds_the_tracing_extra(fake_venv, monkeypatch, tmp_path):
    text = (ROOT / "pyproject.toml").read_text()
    if "\ntracing = [" not in text:  # the extra as the tracing work declares it
        text = text.replace(
            "[project.entry-points",
            'tracing = ["opentelemetry-sdk>=1.30,<2"]\n\n[project.entry-points',
            1,
        )
    (tmp_path / "pyproject.toml").write_text(text)
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.delenv("TRACING", raising=False)
    assert dev.needs("serve") == ("serve",)
    monkeypatch.setenv("TRACING", "otlp")
    dev.ensure_env(dev.needs("serve"))
    assert any(r.startswith("opentelemetry-sdk") for r in fake_venv[0])
    assert not _names(fake_venv[0]) & set(TEST_TOOLS)
