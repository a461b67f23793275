"""The published contract: the SDL of the schema composed from every bundled plugin."""

from __future__ import annotations

from core.db import make_engine
from core.platform import build_platform
from core.settings import Settings


def composed_sdl() -> str:
    """Compose the full schema (all bundled plugins) against a throwaway in-memory database."""
    settings = Settings(database_url="sqlite://", plugins=None)
    platform = build_platform(settings, engine=make_engine("sqlite://"))
    return platform.schema.as_str() + "\n"
