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


class StaleSchema(RuntimeError):
    """The database's tables lack columns this version's models need: its migrations were not
    run (the message says what to do)."""


# every column of every table, in one statement
_COLUMNS = {
    "sqlite": "SELECT m.name, p.name FROM sqlite_master AS m "
    "JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table'",
    "postgresql": "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema()",
}


def missing_columns(engine: Engine) -> list[str]:
    """`table.column` for each column the imported models define on a table that exists in the
    database without it (a database older than a migration that added it), sorted; one query."""
    sql = _COLUMNS.get(engine.dialect.name)
    if sql is None:
        return []
    present: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for table, column in conn.exec_driver_sql(sql):
            present.setdefault(table, set()).add(column)
    return sorted(
        f"{name}.{column.name}"
        for name, table in SQLModel.metadata.tables.items()
        if name in present
        for column in table.columns
        if column.name not in present[name]
    )


def check_schema(engine: Engine) -> None:
    """Raise StaleSchema, saying what to do, when tables lack columns the models need: requests
    and the audit sequencer would otherwise fail on every use of them."""
    gaps = missing_columns(engine)
    if gaps:
        more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
        raise StaleSchema(
            f"the database lacks columns this version needs ({', '.join(gaps[:3])}{more}): "
            "run `python -m core.cli db-migrate`. The embedded demo database, made by the "
            "server's first start, may instead be removed: the next start makes it anew."
        )


def drop_schema(engine: Engine) -> None:
    SQLModel.metadata.drop_all(engine)
