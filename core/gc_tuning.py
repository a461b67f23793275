"""The garbage collector's settings for a server process, applied once the app is built.

- `gc.freeze()`: the start-up objects (schema, plugins, compiled statements) move to a permanent
  generation that collections no longer scan (p99 76.6 -> 34.6 ms, ../shared/PERFORMANCE.md).
- `gc.set_threshold(10_000, 20, 10)`: a GraphQL request allocates hundreds of short-lived
  containers; with CPython's default (700, 10, 10) the young generation was collected about 90
  times a second in `verify_online`, and the survivors promoted often enough that the older
  generations' passes (2.7 ms and 14 ms each) added up. Measured in one server under the
  `verify_online` load (22 s, same run of the machine): 1.25 s in the collector with the default,
  0.65 s with these thresholds. Cycles are still collected; only less often.

The benchmarks' apps (bench/apps.py, bench/apps_verify.py), bare endpoints included, call the same
function, so that their ratios compare like with like.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 10)  # young objects before a collection; young, older passes per next


def settle_after_start_up() -> None:
    """Freeze what start-up allocated and set `THRESHOLDS` (call once, after building the app)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
