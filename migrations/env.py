"""Alembic environment: the target metadata is every table of the core and of every plugin
(bundled and installed). Version locations and branches: core/schema_migrations.py."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import core.tables  # noqa: F401 - every core table
from core.db import make_engine
from core.plugin_host import bundled_plugin_names, entry_point_modules
from core.settings import Settings

for name in bundled_plugin_names():
    __import__(f"plugins.{name}")
for module in entry_point_modules():  # installed measures: their tables too
    __import__(module)

target_metadata = SQLModel.metadata
BRANCH = context.config.attributes.get("branch")  # `db-revision <branch>`: only its tables


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001, ANN201
    """With a branch, autogenerate looks only at the tables that branch owns."""
    if BRANCH is None:
        return True
    from core.schema_migrations import table_owner

    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is None or table_owner(table.name) == BRANCH


def run_migrations_online() -> None:
    url = context.config.attributes.get("database_url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=Settings.from_env().database_url, target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
