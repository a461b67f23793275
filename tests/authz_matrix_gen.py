"""Write tests/authz_matrix.json from the running permission rules (review the diff!)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.accounts import Role  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.permissions import gated_actions  # noqa: E402
from core.platform import build_platform  # noqa: E402
from core.settings import Settings  # noqa: E402


def main() -> None:
    platform = build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    matrix = {}
    for operation, action in sorted(gated_actions(platform.schema).items()):
        matrix[operation] = {
            role.value: "allow"
            if platform.permissions.permits(action, frozenset({role}))
            else "deny"
            for role in Role
        }
    path = Path(__file__).parent / "authz_matrix.json"
    path.write_text(json.dumps(matrix, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({len(matrix)} operations x {len(Role)} roles)")


if __name__ == "__main__":
    main()
