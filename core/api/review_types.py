"""GraphQL bases shared by the measures that take applications: the payload that carries the
application, and the reviewer's decision. A measure subclasses them under its own names
(`class EVehicleLicenceApplyPayload(ApplicationPayload)`); the fields and their order are the
base's, the measure's own fields follow. A base is in the schema only where it is used itself."""

from __future__ import annotations

import strawberry

from core.api.types import Application
from core.graphql.operations import Payload
from core.validation import require_text


@strawberry.type
class ApplicationPayload(Payload):
    """A mutation's payload carrying the application it submitted or decided."""

    application: Application | None = None


@strawberry.input
class ReviewDecisionInput:
    """A reviewer's decision on an application: approve, or reject (the note is the reason)."""

    application_id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.input
class NotedDecisionInput:
    """A decision on an application that needs the decider's note either way (why it was
    approved after a check by hand, or why it was rejected)."""

    application_id: strawberry.ID
    approve: bool
    note: str

    def checked_note(self) -> str:
        """The note as stored: required, at most 500 characters, several lines allowed.
        Raises INVALID_INPUT / TOO_LONG (field `note`)."""
        return require_text("note", self.note, 500, multiline=True)
