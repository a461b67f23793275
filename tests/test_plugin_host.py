"""Plugin loading and schema composition fail loudly, naming the plugin."""

import re
import types

import pytest
import strawberry

from core.db import make_engine
from core.hookspecs import hookimpl
from core.permissions import requires
from core.platform import build_platform
from core.plugin_host import PluginError, bundled_plugin_names, load_plugins
from core.settings import Settings


def _module(name, **hooks):
    module = types.ModuleType(name)
    module.PLUGIN_NAME = name
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def _build(pool, *modules):
    return build_platform(
        Settings(database_url=pool.settings.database_url),
        engine=pool.engine,
        plugins=(),
        extra_plugins=modules,
    )


def test_misspelled_hook_names_the_plugin(pool):
    bad = _module("typo_plugin", register_query_typez=lambda: [])
    with pytest.raises(PluginError, match="typo_plugin"):
        load_plugins((), [bad])


def test_hook_with_wrong_parameters_names_the_plugin(pool):
    def load_demo_data(session, demo, extra):  # an argument the spec does not have
        return None

    bad = _module("wrong_args", load_demo_data=load_demo_data)
    with pytest.raises(PluginError, match="wrong_args"):
        load_plugins((), [bad])


def _query_type(type_name, field_name):
    def resolver(self) -> str:
        return "x"

    cls = type(type_name, (), {"__annotations__": {}})
    setattr(
        cls, field_name, strawberry.field(resolver=resolver, extensions=[requires("core.public")])
    )
    return strawberry.type(cls)


def test_duplicate_root_field_names_both_plugins(pool):
    a = _module("plugin_a", register_query_types=lambda: [_query_type("QA", "same_field")])
    b = _module("plugin_b", register_query_types=lambda: [_query_type("QB", "same_field")])
    with pytest.raises(PluginError, match="plugin_a.*plugin_b"):
        _build(pool, a, b)


def test_duplicate_type_names_name_both_plugins(pool):
    import sys

    a = _module("plugin_c")
    b = _module("plugin_d")
    sys.modules["plugin_c"], sys.modules["plugin_d"] = a, b
    a.Thing = strawberry.type(
        type("Thing", (), {"__annotations__": {"x": int}, "__module__": "plugin_c"})
    )
    b.Thing = strawberry.type(
        type("Thing", (), {"__annotations__": {"x": int}, "__module__": "plugin_d"})
    )
    try:
        with pytest.raises(PluginError, match="plugin_c.*plugin_d.*Thing"):
            _build(pool, a, b)
    finally:
        del sys.modules["plugin_c"], sys.modules["plugin_d"]


def test_failing_hook_names_the_plugin(pool):
    def register_permission_rules():
        raise ValueError("broken")

    with pytest.raises(PluginError, match="exploding.*register_permission_rules"):
        _build(pool, _module("exploding", register_permission_rules=register_permission_rules))


def test_unknown_selected_plugin(pool):
    with pytest.raises(PluginError, match="no_such_measure"):
        load_plugins(["no_such_measure"])


def test_entry_point_plugins_load_like_bundled_ones(monkeypatch, pool):
    import importlib.metadata

    from conftest import load_example_plugin

    example = load_example_plugin()

    class FakeEntryPoint:
        name = "example_measure"
        value = "example_plugin"

        def load(self):
            return example

    real = importlib.metadata.entry_points

    def fake_entry_points(**kwargs):
        if kwargs.get("group") == "traffic_admin.plugins":
            return [FakeEntryPoint()]
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    pm, loaded = load_plugins(["example_measure"])
    assert [(p.name, p.origin) for p in loaded] == [
        ("core", "core"),
        ("example_measure", "entry-point"),
    ]


def test_every_hook_is_documented_with_its_signature():
    import inspect
    from pathlib import Path

    from core import hookspecs

    doc = (Path(__file__).parent.parent / "docs" / "hooks.md").read_text()
    for name, fn in vars(hookspecs).items():
        if callable(fn) and hasattr(fn, "traffic_admin_spec"):
            signature = f"{name}{inspect.signature(fn)}".replace("'", "")
            assert fn.__doc__, f"hook {name} has no docstring"
            assert signature in doc, f"docs/hooks.md does not document `{signature}`"


def test_every_bundled_plugin_is_one_measure_named_after_its_folder():
    """Derived, not listed: each folder under plugins/ registers one measure whose slug is the
    folder's name and whose code (M01, M02, ...) no other measure has, with a README."""
    from pathlib import Path

    from core.platform import build_platform
    from core.settings import Settings

    platform = build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    root = Path(__file__).resolve().parent.parent / "plugins"
    codes: dict[str, str] = {}
    for name in bundled_plugin_names():
        info = platform.measures.get(name)
        assert info is not None, f"plugins/{name} registers no measure (register_measure)"
        assert info.slug == name, f"plugins/{name} registers the measure {info.slug!r}"
        assert re.fullmatch(r"M\d\d", info.code), f"{name}: code {info.code!r} is not Mnn"
        assert info.code not in codes, f"{name} and {codes.get(info.code)} share {info.code}"
        codes[info.code] = name
        assert (root / name / "README.md").is_file(), f"plugins/{name} has no README.md"


def test_the_readme_lists_the_bundled_measures():
    """The README's table is generated (`python -m core.cli plugins --markdown`): regenerate it
    when a measure is added."""
    from pathlib import Path

    from core.cli import measures_table
    from core.platform import build_platform
    from core.settings import Settings

    platform = build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("<!-- measures:start -->\n")[1].split("<!-- measures:end -->")[0]
    assert section == measures_table(platform.measures), (
        "README.md's table of measures is stale: run `python -m core.cli plugins --markdown --write`"
    )
