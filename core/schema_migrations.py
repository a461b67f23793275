"""Schema migrations: the core and each measure own their tables' history (alembic branches).

- The core's revisions live in `migrations/versions/` (branch label `core`).
- Each measure's live in `plugins/<slug>/migrations/` (branch label `<slug>`, its first revision
  depending on the core's), as pretix keeps migrations per plugin; a measure installed from another
  distribution ships its own `migrations/` folder beside its module and is found the same way.
- `upgrade heads` brings every branch up to date (`python -m core.cli db-migrate`).

Databases created before the split carry a revision of the old single chain (`migrations/legacy/`:
0001 to 0004). `migrate` first brings them to the end of that chain (0004, whose schema is the
baselines' schema), then stamps the new branches' baselines and goes on from there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import inspect, text

from core.db import make_engine
from core.plugin_host import bundled_plugin_names, entry_point_modules

ROOT = Path(__file__).resolve().parent.parent
LEGACY_REVISIONS = ("0001", "0002", "0003", "0004")
LEGACY_HEAD = "0004"
# the measures whose tables the old single chain created (legacy 0004): their baselines are what a
# pre-split database already holds. A measure added since has its baseline applied, not stamped.
LEGACY_MEASURES = (
    "accident_evidence", "courier_service", "driving_exam", "e_driving_licence",
    "e_vehicle_licence", "elderly_proxy", "insurance_check", "intersection_nonmotor",
    "motorcycle_one_id", "mortgage_check", "online_deregistration", "online_entrustment",
    "overseas_relief", "precise_guidance", "reapplication_exam", "residential_parking",
    "truck_pass", "unit_accounts", "used_car_transfer", "veteran_licence",
)  # fmt: skip


def plugin_migration_dirs(plugin_modules: list[str] | None = None) -> list[Path]:
    """The `migrations/` folder beside each plugin module that has one (bundled and installed)."""
    if plugin_modules is None:
        plugin_modules = [f"plugins.{n}" for n in bundled_plugin_names()] + entry_point_modules()
    found = []
    for name in plugin_modules:
        module = import_module(name)
        folder = Path(module.__file__ or "").parent / "migrations"
        if folder.is_dir():
            found.append(folder)
    return found


def alembic_config(url: str, legacy: bool = False) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    locations = (
        [ROOT / "migrations" / "legacy"]
        if legacy
        else [ROOT / "migrations" / "versions", *plugin_migration_dirs()]
    )
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    config.attributes["database_url"] = url
    return config


def current_revisions(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return set()
            return {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


class MigrationError(RuntimeError):
    """A database that migrations cannot take further on their own; the message says why."""


def _unrecorded_schema(url: str) -> list[str] | None:
    """For a database whose tables were created from the models (`create_schema`: `db-init`,
    the server's first start) and so carries no migration record: the differences between its
    tables and the current models ([] when it is exactly the heads' schema). None when the
    database has no tables of ours, or has a migration record."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import core.tables  # noqa: F401 - every core table

    for name in [f"plugins.{n}" for n in bundled_plugin_names()] + entry_point_modules():
        import_module(name)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" in tables or not tables & set(SQLModel.metadata.tables):
                return None
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    return [repr(d)[:160] for d in diff]


def migrate(url: str, target: str = "heads") -> str:
    """Upgrade the database at `url` to `target` (default: every branch's head; "head" means the
    same). A revision of the old single chain as `target` upgrades that chain (testing old
    databases). Only upgrades: a `target` the database is already past changes nothing. Returns
    "upgraded", or "stamped" (below). Raises MigrationError for a revision no branch has, or a
    relative step ("-1", "+2": name the revision).

    A database created from the models (no migration record) that matches them exactly is
    stamped at every head and goes on from there; one that differs raises MigrationError listing
    the differences (its revision cannot be told: compare it with a migrated copy, or export and
    reload its data)."""
    if target == "head":  # one head per branch: the head of the whole schema is all of them
        target = "heads"
    if not target.strip() or target.endswith("@") or target.startswith("@"):
        raise MigrationError(
            f"{target!r} is not a revision: name one (e.g. core_0012, core@head) or heads"
        )
    if re.fullmatch(r"(\w+@)?[+-]\d+", target):
        raise MigrationError(
            f"{target!r} is a relative step; db-migrate only upgrades, to a revision by name "
            "(e.g. core_0012) or to heads (see: python -m core.cli db-migrate --help)"
        )
    if target in LEGACY_REVISIONS:
        command.upgrade(alembic_config(url, legacy=True), target)
        return "upgraded"
    unrecorded = _unrecorded_schema(url)
    if unrecorded:
        raise MigrationError(
            "the database has tables but no migration record (created by db-init or the "
            "server's first start), and they differ from the current models, so its revision "
            "cannot be told: " + "; ".join(unrecorded[:5])
        )
    if unrecorded == []:
        command.stamp(alembic_config(url), "heads")
        return "stamped"
    if current_revisions(url) & set(LEGACY_REVISIONS):
        command.upgrade(alembic_config(url, legacy=True), LEGACY_HEAD)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        engine.dispose()
        # the baselines of the measures of the old chain (each depending on the core's) hold the
        # schema of legacy 0004; stamping them marks the core's baseline too
        installed = set(bundled_plugin_names())
        baselines = [f"{n}_0001" for n in LEGACY_MEASURES if n in installed] or ["core_0001"]
        command.stamp(alembic_config(url), baselines)
    try:
        command.upgrade(alembic_config(url), target)
    except CommandError as refusal:  # e.g. "Can't locate revision identified by 'x'"
        raise MigrationError(f"{refusal} (see: python -m core.cli db-migrate --help)") from None
    return "upgraded"


def table_owner(table: str) -> str | None:
    """The branch that owns `table`: "core", or the slug of the measure whose module defines it."""
    from sqlmodel import SQLModel

    for mapper in SQLModel._sa_registry.mappers:  # noqa: SLF001 - the one registry of models
        if mapper.local_table.name == table:
            module = mapper.class_.__module__
            if module.startswith("core."):
                return "core"
            return module.split(".")[1] if module.startswith("plugins.") else module.split(".")[0]
    return None


def _branch_folder(branch: str) -> Path:
    """Where `branch`'s revisions live: migrations/versions for the core, else the `migrations/`
    folder beside the measure's module (bundled: plugins/<slug>; installed: its own package)."""
    if branch == "core":
        return ROOT / "migrations" / "versions"
    modules = [f"plugins.{n}" for n in bundled_plugin_names()] + entry_point_modules()
    for name in modules:
        if name.rsplit(".", 1)[-1] == branch:
            return Path(import_module(name).__file__ or "").parent / "migrations"
    raise MigrationError(f"no measure {branch!r} is installed (nor is it 'core')")


def _next_revision_id(branch: str, folder: Path) -> str:
    """`<branch>_0001`, `<branch>_0002`, ...: revision ids that sort and name their branch."""
    numbers = [
        int(path.stem[len(branch) + 1 :][:4])
        for path in folder.glob(f"{branch}_[0-9][0-9][0-9][0-9]*.py")
    ]
    return f"{branch}_{max(numbers, default=0) + 1:04d}"


def new_revision(url: str, branch: str, message: str) -> str:
    """Autogenerate a revision on `branch` ("core" or a measure's slug) from the difference
    between the models of its tables and the database at `url` (bring it to `heads` first).
    A measure without migrations yet gets its branch: `plugins/<slug>/migrations/` with the
    baseline `<slug>_0001` (branch label `<slug>`, depending on the core's head). Returns the new
    file's path."""
    folder = _branch_folder(branch)
    rev_id = _next_revision_id(branch, folder)
    folder.mkdir(exist_ok=True)
    config = alembic_config(url)
    config.attributes["branch"] = branch
    if rev_id.endswith("_0001") and branch != "core":
        from alembic.script import ScriptDirectory

        core_head = ScriptDirectory.from_config(config).get_revisions("core@head")[0].revision
        options = {"head": "base", "branch_label": branch, "depends_on": core_head}
    else:
        options = {"head": f"{branch}@head"}
    script = command.revision(
        config,
        message,
        autogenerate=True,
        version_path=str(folder),
        rev_id=rev_id,
        **options,  # type: ignore[arg-type]
    )
    path = str(script.path) if script is not None and not isinstance(script, list) else ""
    if path:  # the house style, so the new file passes `ruff check` / `ruff format --check`
        # format first (it removes the trailing white space alembic's template leaves, which
        # `check` would otherwise report as needing an unsafe fix), then sort the imports
        for args in (["format", "--quiet"], ["check", "--fix", "--quiet"], ["format", "--quiet"]):
            subprocess.run(
                [sys.executable, "-m", "ruff", *args, path], check=False, capture_output=True
            )
    return path
