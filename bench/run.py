#!/usr/bin/env python3
"""Run benchmarks and rewrite bench/results.json.

    python bench/run.py            # every benchmark
    python bench/run.py NAME ...   # only those named

Each benchmark lives in a module `bench/bench_<group>.py` exposing `BENCHMARKS: dict[str, callable]`;
a callable returns a dict with what applies of rps, p50_ms, p99_ms, ratio_to_bare, rows, per_s,
seconds, accounts. Benchmarks that must be compared (graphql_read vs bare_read) run in one module
and one process so their figures come from the same run.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"


def discover() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    found: dict[str, object] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        for name, fn in getattr(module, "BENCHMARKS", {}).items():
            found[name] = fn
    return found


def main(argv: list[str]) -> int:
    benchmarks = discover()
    wanted = argv or list(benchmarks)
    unknown = [n for n in wanted if n not in benchmarks]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(benchmarks)}")
        return 2
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    done: set[int] = set()
    for name in wanted:
        fn = benchmarks[name]
        if id(fn) in done:
            continue
        started = time.time()
        print(f"== {name}", flush=True)
        out = fn()  # type: ignore[operator]
        # a benchmark may return several named entries (measured in the same run)
        entries = out if all(isinstance(v, dict) for v in out.values()) else {name: out}
        for key, value in entries.items():
            value["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            results[key] = value
            print(f"   {key}: {value}", flush=True)
        done.add(id(fn))
        print(f"   ({time.time() - started:.0f} s)")
        # written after each benchmark: a later one that fails keeps the figures measured so far
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
