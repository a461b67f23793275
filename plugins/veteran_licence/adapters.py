"""The military licence registry behind a name, with a built-in table-backed implementation."""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session, select

from .models import MilitaryLicenceRecord

ADAPTER = "military_licence_registry"


class RegistryUnavailable(Exception):
    """The registry did not answer (the business goes to the suspicious queue)."""


class MilitaryRegistry(Protocol):
    def lookup(
        self, session: Session, id_number: str, military_number: str
    ) -> MilitaryLicenceRecord | None: ...


class TableMilitaryRegistry:
    """Reads `veteran_licence_military_records`; `down = True` simulates an outage in tests."""

    def __init__(self, platform: Any = None) -> None:
        self.down = False

    def lookup(
        self, session: Session, id_number: str, military_number: str
    ) -> MilitaryLicenceRecord | None:
        if self.down:
            raise RegistryUnavailable(ADAPTER)
        return session.exec(
            select(MilitaryLicenceRecord).where(
                MilitaryLicenceRecord.military_number == military_number,
                MilitaryLicenceRecord.id_number == id_number,
            )
        ).first()
