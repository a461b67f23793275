"""Process-wide settings, read once from the environment."""

from __future__ import annotations

import ipaddress
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
    group_commit: bool = True  # insert-only writes of concurrent requests share a transaction
    audit_sequencer: str = "embedded"  # embedded: a thread in each server process | off: CLI job
    redis_url: str | None = None  # rate limits shared by every worker; None = per process memory
    rate_limit_prefix: str = "traffic"  # Redis key prefix (one per deployment sharing a Redis)
    trusted_proxies: tuple[str, ...] = ()  # addresses / networks whose X-Forwarded-For is honoured
    plugins: tuple[str, ...] | None = None  # None = every bundled and installed plugin
    # who may run only registered documents (core/graphql/trusted.py): off | partners | all;
    # None = "partners" in production, "off" in development
    trusted_documents: str | None = None
    tracing: str = "off"  # OpenTelemetry (core/tracing.py): off | console | otlp
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def trusted_policy(self) -> str:
        """`trusted_documents`, or its default for the mode."""
        if self.trusted_documents is not None:
            return self.trusted_documents
        return "partners" if self.production else "off"

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
        if env.get("GROUP_COMMIT"):
            flag = env["GROUP_COMMIT"].strip().lower()
            if flag not in ("on", "off"):
                raise ValueError(f"GROUP_COMMIT={env['GROUP_COMMIT']!r}: use on or off")
            values["group_commit"] = flag == "on"
        if env.get("REDIS_URL"):
            values["redis_url"] = env["REDIS_URL"]
        if env.get("RATE_LIMIT_PREFIX"):
            values["rate_limit_prefix"] = env["RATE_LIMIT_PREFIX"]
        if env.get("TRUSTED_PROXIES"):
            values["trusted_proxies"] = parse_trusted_proxies(env["TRUSTED_PROXIES"])
        if env.get("APP_PLUGINS"):
            values["plugins"] = tuple(p.strip() for p in env["APP_PLUGINS"].split(",") if p.strip())
        if env.get("TRUSTED_DOCUMENTS"):
            policy = env["TRUSTED_DOCUMENTS"].strip().lower()
            if policy not in ("off", "partners", "all"):
                raise ValueError("TRUSTED_DOCUMENTS: one of off, partners, all")
            values["trusted_documents"] = policy
        if env.get("TRACING"):
            from core.tracing import mode_from_env

            values["tracing"] = mode_from_env()
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def parse_trusted_proxies(value: str) -> tuple[str, ...]:
    """`TRUSTED_PROXIES`: comma-separated IP addresses or networks ("10.0.0.5, 10.1.0.0/16").

    Returns them normalised ("10.0.0.5", "10.1.0.0/16"). Raises ValueError for anything else,
    "*" included: trusting every peer would let any client choose its own address.
    """
    out: list[str] = []
    for raw in value.split(","):
        item = raw.strip()
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
        single = network.num_addresses == 1 and "/" not in item
        out.append(str(network.network_address) if single else str(network))
    return tuple(out)
