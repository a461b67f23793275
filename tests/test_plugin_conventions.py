"""The house conventions of docs/plugins.md, checked over every bundled measure and the core, so a
new measure (or a change) that departs from them fails here with the place named."""

from __future__ import annotations

import ast
import enum
import importlib
import re
from pathlib import Path

import pytest

from core.errors import ErrorCode
from core.graphql.operations import MutationFrame
from core.permissions import ROLES_MARK, allowed_of
from core.plugin_host import bundled_plugin_names
from core.plugin_kit import MeasurePlugin

ROOT = Path(__file__).resolve().parent.parent
# mutations that hash a secret (scrypt, in a worker thread) before their transaction: they open
# the frame themselves with ctx.mutate (core/api/mutations.py explains why)
OWN_FRAME = {"signIn", "partnerTokenCreate", "citizenRegister"}
PLUGINS = bundled_plugin_names()


def _root_fields(schema, root: str):
    converter = schema.config.name_converter
    for field in schema.get_type_by_name(root).fields:
        yield converter.get_graphql_name(field), field


def test_every_mutation_runs_in_the_frame(core_env):
    """One transaction, one audit event, refusals as payload errors: `@mutation` everywhere."""
    schema = core_env.platform.schema
    unframed = [
        name
        for name, field in _root_fields(schema, "Mutation")
        if not any(isinstance(e, MutationFrame) for e in field.extensions)
    ]
    assert sorted(unframed) == sorted(OWN_FRAME)


def test_every_operation_is_gated_and_its_roles_text_generated(core_env):
    """Each query and mutation has a permission action; its description ends with exactly one
    generated "Roles: …" sentence (never a hand-written one that could disagree with the table)."""
    schema = core_env.platform.schema
    for root in ("Query", "Mutation"):
        for name, field in _root_fields(schema, root):
            gate = allowed_of(field)
            assert gate is not None, f"{root}.{name} has no permission action"
            description = field.description or ""
            assert description.count(ROLES_MARK) == 1, f"{root}.{name}: {description!r}"
            assert re.search(r"Roles: [^.]+\.$", description), f"{root}.{name}: {description!r}"


def test_my_lists_are_named_my_things(core_env):
    """The caller's own records are `my<Things>`; the older `<things>Mine` / `<measure>My<Things>`
    names survive only as deprecated aliases."""
    schema = core_env.platform.schema
    odd = [
        name
        for name, field in _root_fields(schema, "Query")
        if (name.endswith("Mine") or re.fullmatch(r"[a-z][A-Za-z]*My[A-Z]\w*", name))
        and not field.deprecation_reason
    ]
    assert odd == []


def _error_enums(slug: str) -> list[type[enum.Enum]]:
    module = importlib.import_module(f"plugins.{slug}.errors")
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ErrorCode) and value is not ErrorCode
        and value.__module__ == module.__name__
    ]  # fmt: skip


@pytest.mark.parametrize("slug", PLUGINS)
def test_error_codes_are_one_enum_listed_in_the_readme(slug):
    """`errors.py` holds one `<Noun>ErrorCode` enum, and the README names every member."""
    enums = _error_enums(slug)
    assert len(enums) == 1, f"{slug}/errors.py: {[e.__name__ for e in enums]}"
    readme = (ROOT / "plugins" / slug / "README.md").read_text()
    missing = [m.value for m in enums[0] if f"`{m.value}`" not in readme and m.value not in readme]
    assert missing == [], f"plugins/{slug}/README.md does not list {missing}"


@pytest.mark.parametrize("slug", PLUGINS)
def test_the_readme_cites_its_seed_by_title(slug):
    """A reader follows a rule to its source from inside the repository: the README names the
    seed document by its official title (《…》) and item, never by a path outside this
    repository (a measure without a seed document: `Seed: none; source: …`)."""
    readme = (ROOT / "plugins" / slug / "README.md").read_text()
    seed = re.search(r"^Seed: (《[^》]+》\S* *\(\d{4}\), item \S+|none; source: \S+)", readme, re.M)
    assert seed, f"plugins/{slug}/README.md: no 'Seed: 《title》(year), item …' line"
    assert "seeds/" not in readme, f"plugins/{slug}/README.md cites a path outside the repository"


@pytest.mark.parametrize("slug", PLUGINS)
def test_a_measure_imports_itself_relatively(slug):
    """Inside its folder a measure imports its own modules with `from .x import …`, so the
    folder can be renamed or installed as another package."""
    offenders = []
    for path in (ROOT / "plugins" / slug).rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
                else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            )  # fmt: skip
            if any(n == f"plugins.{slug}" or n.startswith(f"plugins.{slug}.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("slug", PLUGINS)
def test_the_measure_slug_is_written_once(slug):
    """`MEASURE` is defined in rules.py only; actions are written f"{MEASURE}.<op>"."""
    defined = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "plugins" / slug).rglob("*.py")
        if re.search(r"^MEASURE\s*=", path.read_text(), re.MULTILINE)
    ]
    assert defined == [f"plugins/{slug}/rules.py"]


@pytest.mark.parametrize("slug", PLUGINS)
def test_a_measure_declares_its_wiring_as_one_plugin_object(slug):
    """`__init__.py` declares `plugin`, an instance of a `MeasurePlugin` subclass whose attributes
    answer the hooks (core/plugin_kit.py), and has no module-level hook functions."""
    module = importlib.import_module(f"plugins.{slug}")
    plugin = getattr(module, "plugin", None)
    assert isinstance(plugin, MeasurePlugin), f"plugins/{slug}/__init__.py: no `plugin` object"
    assert plugin.info is not None and plugin.info.slug == slug
    loose = [n for n, v in vars(module).items() if callable(v) and hasattr(v, "traffic_admin_impl")]
    assert loose == [], f"plugins/{slug}/__init__.py: make {loose} methods of the plugin's class"
