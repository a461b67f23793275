#!/usr/bin/env python3
"""Set-up and everyday commands for a fresh machine with Python 3.11+ and pip.

    python3 dev.py serve   # install into .venv, then serve the API on 127.0.0.1:8000
    python3 dev.py test    # install into .venv, then run the whole test suite

Dependencies come from pyproject.toml (the single source); they are installed into `.venv`
beside this file, once, and again whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["test"])


def ensure_env() -> None:
    stamp = VENV / ".deps-stamp"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", *_requirements()])
    stamp.write_text(wanted)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    args = sys.argv[2:]
    if command not in ("serve", "test", "cli", "bench", "setup"):
        print(__doc__)
        return 0 if command == "help" else 2
    ensure_env()
    os.chdir(ROOT)
    if command == "serve":
        return subprocess.call([str(PY), "server.py", *args])
    if command == "test":
        return subprocess.call([str(PY), "-m", "pytest", *args])
    if command == "cli":
        return subprocess.call([str(PY), "-m", "core.cli", *args])
    if command == "bench":
        return subprocess.call([str(PY), "bench/run.py", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
