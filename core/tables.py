"""Every table module of the core, imported in one place so `create_all`, the migrations and the
tests always see the same complete metadata. Plugin tables are imported with their plugins.
`create_schema` / `drop_schema` work on that metadata (and the audit log's PostgreSQL guards)."""

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from core import (  # noqa: F401
    accounts,
    audit,
    idempotency,
    outbox,
    registration,
    reports,
    rollout,
    tickets,
)
from core.documents import credentials, keys  # noqa: F401
from core.graphql import trusted  # noqa: F401
from core.monitoring import models as monitoring  # noqa: F401
from core.registries import applications, licences, vehicles  # noqa: F401


def create_schema(engine: Engine) -> None:
    """Create every table that the imported core and plugin modules define (idempotent); on
    PostgreSQL, make the audit log's tables append-only."""
    SQLModel.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        audit.install_postgres_guards(engine)


def drop_schema(engine: Engine) -> None:
    SQLModel.metadata.drop_all(engine)
