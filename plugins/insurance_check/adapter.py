"""The 交强险 data source behind the adapter name `compulsory_insurance_source`.

The built-in implementation reads `insurance_check_policies`; a deployment replaces it (by name,
`replaces=True`) with the regulator's exchange. `down = True` simulates an outage in tests.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.plugin_api import AdapterSpec

from .models import InsuranceCheckPolicyRow
from .rules import Policy

ADAPTER = "compulsory_insurance_source"


class SourceUnavailable(Exception):
    """The data source did not answer."""


class TablePolicySource:
    """Policies per VIN from the built-in table."""

    def __init__(self, platform: Any = None) -> None:
        self.down = False

    def policies(self, session: Session, vin: str) -> list[Policy]:
        if self.down:
            raise SourceUnavailable(ADAPTER)
        rows = session.exec(
            select(InsuranceCheckPolicyRow).where(InsuranceCheckPolicyRow.vin == vin)
        ).all()
        return [Policy(r.policy_number, r.insurer_name, r.valid_from, r.valid_until) for r in rows]


ADAPTERS = [
    AdapterSpec(
        ADAPTER,
        TablePolicySource,
        "交强险 policies per VIN (insurer, validity). Built-in: the insurance_check_policies table.",
    )
]
