"""GraphQL bases shared by the measures that take applications: the payload that carries the
application, and the reviewer's decision. A measure subclasses them under its own names
(`class EVehicleLicenceApplyPayload(ApplicationPayload)`); the fields and their order are the
base's, the measure's own fields follow. A base is in the schema only where it is used itself."""

from __future__ import annotations

import strawberry

from core.api.types import Application
from core.graphql.operations import Payload


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
