#!/usr/bin/env python3
"""Set-up and everyday commands for a fresh machine with Python 3.11+ and pip.

    python3 dev.py serve   # install what serving needs into .venv, then serve on 127.0.0.1:8000
    python3 dev.py test    # install that and the test tools into .venv, then run the test suite

Dependencies come from pyproject.toml (the single source): `serve`, `cli` and `setup` install
only `[project] dependencies`; `test` and `bench` add the `test` extra (pytest, Playwright, ...;
the browser itself is the system's Chromium, see README.md "Tests"). Each set is installed into
`.venv` beside this file once, and again whenever pyproject.toml changes; the step and each
package being fetched are printed as it goes. VENV=path picks another environment directory.

Signals: `serve` and `bench` run in their own process group, and SIGTERM, SIGINT and SIGHUP sent
to dev.py are passed on to them (so `kill <dev.py>`, Ctrl-C or a closing terminal stop the server
and free its port; Ctrl-C reaches it once). `test` and `cli` stay in the terminal's group (they
may read it), which delivers Ctrl-C to them itself; SIGTERM and SIGHUP are passed on. dev.py then
waits for the command and exits with its status (128 + the signal's number when a signal ended
it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("VENV") or ROOT / ".venv").resolve()
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".deps-stamp"
# what each command needs: "serve" = [project] dependencies, "test" = the test extra as well
NEEDS = {"serve": ("serve",), "cli": ("serve",), "setup": ("serve",)}
NEEDS |= {"test": ("serve", "test"), "bench": ("serve", "test")}
# pip's lines worth showing while it works (the rest is printed only if it fails)
_SHOWN = ("Collecting ", "Installing collected packages", "Successfully installed", "ERROR")


def requirements(sets: tuple[str, ...]) -> list[str]:
    """The requirement strings of pyproject.toml for `sets` ("serve": the project's dependencies,
    "test": its `test` extra), in file order."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted: list[str] = []
    if "serve" in sets:
        wanted += project["dependencies"]
    if "test" in sets:
        wanted += project["optional-dependencies"]["test"]
    if "tracing" in sets:
        wanted += project["optional-dependencies"].get("tracing", [])
    return wanted


def needs(command: str) -> tuple[str, ...]:
    """The requirement sets `command` needs; serving with TRACING on adds the `tracing` extra."""
    sets = NEEDS[command]
    if os.environ.get("TRACING", "off").lower() not in ("", "off") and command != "setup":
        sets += ("tracing",)
    return sets


def _say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def _installed(pyproject_hash: str) -> set[str]:
    """The sets already installed for this very pyproject.toml (none if it changed)."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return set()
    if not isinstance(stamp, dict) or stamp.get("pyproject") != pyproject_hash:
        return set()
    return set(stamp.get("sets", ()))


def _pip_install(packages: list[str]) -> None:
    """pip install, showing each package as pip collects it; the whole output if it fails."""
    # --no-compile: Python compiles (and caches) only the modules it imports, on first import,
    # instead of pip compiling every file of every package up front (half the install time)
    command = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar",
               "off", "--no-compile", *packages]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith(_SHOWN):
            print("  " + line.rstrip()[:160], flush=True)
    if process.wait() != 0:
        sys.stdout.write("".join(lines))
        raise SystemExit(f"dev.py: pip install failed (exit {process.returncode}); see above")


def ensure_env(sets: tuple[str, ...]) -> None:
    """Make `.venv` hold `sets` for the current pyproject.toml; print each step and its time."""
    pyproject_hash = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    have = _installed(pyproject_hash) if PY.exists() else set()
    missing = [s for s in sets if s not in have]
    if not missing:
        return
    started = time.monotonic()
    if not PY.exists():
        _say(f"creating the virtual environment {VENV}")
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    packages = requirements(sets)
    names = {"serve": "what serving needs", "test": "the test tools", "tracing": "tracing"}
    what = " and ".join(names[s] for s in missing)
    _say(f"installing {what} ({len(packages)} requirements from pyproject.toml) ...")
    _pip_install(packages)
    STAMP.write_text(json.dumps({"pyproject": pyproject_hash, "sets": sorted(have | set(sets))}))
    _say(f"environment ready in {time.monotonic() - started:.0f} s")


_FORWARDED = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def run(command: list[str], own_group: bool) -> int:
    """Run `command`, passing on to it the signals dev.py receives (see the module docstring),
    and return its exit status (128 + signal number if a signal ended it)."""
    extra = {"process_group": 0} if own_group and os.name != "nt" else {}
    child = subprocess.Popen(command, **extra)

    def forward(signum: int, frame: object) -> None:
        if own_group or signum != signal.SIGINT:  # same group: the terminal sent it already
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in _FORWARDED}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - code if code < 0 else code


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    args = sys.argv[2:]
    if command not in NEEDS:
        print(__doc__)
        return 0 if command == "help" else 2
    ensure_env(needs(command))
    os.chdir(ROOT)
    if command == "serve":
        return run([str(PY), "server.py", *args], own_group=True)
    if command == "test":
        return run([str(PY), "-m", "pytest", *args], own_group=False)
    if command == "cli":
        return run([str(PY), "-m", "core.cli", *args], own_group=False)
    if command == "bench":
        return run([str(PY), "bench/run.py", *args], own_group=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
