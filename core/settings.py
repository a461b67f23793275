"""Process-wide settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "traffic.db"


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from the environment.

    `mode` is "development" (GraphiQL, introspection, suggestions, dev tokens) or "production"
    (all of those off). `database_url` defaults to an embedded SQLite file.
    """

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    mode: str = "development"
    issuer: str = "traffic-admin"
    audience: str = "traffic-api"
    access_token_minutes: int = 15
    partner_token_minutes: int = 30
    max_body_bytes: int = 1024 * 1024
    max_query_depth: int = 12
    max_aliases: int = 30
    max_fields: int = 500  # field selections per operation, fragments expanded
    max_merge_comparisons: int = 1000  # pairs that field merging compares (see graphql/limits)
    max_tokens: int = 3000
    max_batch: int = 5
    max_page_size: int = 100
    rollout_cache_seconds: float = 2.0
    audit_sequencer: str = "embedded"  # embedded: a thread in each server process | off: CLI job
    plugins: tuple[str, ...] | None = None  # None = every bundled and installed plugin
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = normalise_database_url(env["DATABASE_URL"])
        if env.get("APP_MODE"):
            values["mode"] = env["APP_MODE"]
        if env.get("AUDIT_SEQUENCER"):
            values["audit_sequencer"] = env["AUDIT_SEQUENCER"]
        if env.get("APP_PLUGINS"):
            values["plugins"] = tuple(p.strip() for p in env["APP_PLUGINS"].split(",") if p.strip())
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
