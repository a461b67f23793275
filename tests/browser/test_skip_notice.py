"""Without Chromium the suite says once, clearly, why the browser tests skip and how to run them
(issue 17 item 8). Runs pytest on tests/browser in a subprocess whose PATH holds no Chromium."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_browser_tests(target: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMIUM", "REQUIRE_BROWSER")}
    env["PATH"] = str(Path(sys.executable).parent)  # the venv's tools, no chromium
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "pytest", target, "-p", "no:cacheprovider",
         "--deselect", "tests/browser/test_skip_notice.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_without_chromium_the_run_says_once_why_browser_tests_skip():
    run = _run_browser_tests("tests/browser")
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert out.count("Chromium is not installed") == 1, out
    assert "browser tests skipped" in out and "apt-get install chromium" in out
    assert "README.md, section 'Tests'" in out
    assert " passed" not in out and "failed" not in out and "error" not in out.lower()


def test_with_require_browser_they_fail_instead_of_skipping():
    run = _run_browser_tests("tests/browser/test_graphiql.py", REQUIRE_BROWSER="1")
    assert run.returncode == 1
    assert "REQUIRE_BROWSER=1 but Chromium is not installed" in run.stdout
