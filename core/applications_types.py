"""The GraphQL enum of application states (kept apart to avoid an import cycle)."""

import strawberry

from core.registries.applications import AppStatus

ApplicationStatus = strawberry.enum(AppStatus, name="ApplicationStatus")
