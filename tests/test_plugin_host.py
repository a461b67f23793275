"""Plugin loading and schema composition fail loudly, naming the plugin."""

import re
import types

import pytest
import strawberry

from core.accounts import Role
from core.db import make_engine
from core.hookspecs import hookimpl
from core.permissions import PermissionRule, requires
from core.platform import build_platform
from core.plugin_api import MeasureInfo, SettingSpec, SettingType
from core.plugin_host import PluginError, bundled_plugin_names, collect, load_plugins
from core.plugin_kit import MeasurePlugin
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


def test_a_measure_code_taken_by_another_measure_is_refused(pool):
    """Two measures cannot both be M10: the second is refused by name at start-up (a newcomer
    who copied a bundled measure's `info` would otherwise list two M10s)."""

    def measure(slug):
        info = MeasureInfo(slug, "M10", "Copy", "副本", "none", "A measure that copied M10.")
        return _module(slug, register_measure=lambda: info)

    with pytest.raises(PluginError, match="'copy_b' registers measure code 'M10'.*'copy_a'"):
        _build(pool, measure("copy_a"), measure("copy_b"))


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


class _Probe(MeasurePlugin):
    """A declared measure: its info, three shapes of permissions and one setting."""

    info = MeasureInfo("probe_measure", "M99", "Probe", "探针", "test", "A declared plugin.")
    permissions = {
        "read": Role.CITIZEN,
        "decide": (Role.CLERK, Role.SUPERVISOR),
        "public": Role,  # every role
    }
    settings = [SettingSpec("limit", 3, "A limit.", type=SettingType.INT, unit="count",
                            minimum=1, maximum=9)]  # fmt: skip


def _answers(pm, hook_name, plugin_name):
    return [answer for name, answer in collect(pm, hook_name) if name == plugin_name]


def test_a_plugin_objects_attributes_answer_its_hooks():
    pm, loaded = load_plugins((), [_Probe()])
    assert [p.name for p in loaded] == ["core", "probe_measure"]
    assert loaded[1].module.__name__ == __name__  # where the plugin's class is
    assert _answers(pm, "register_measure", "probe_measure") == [_Probe.info]
    assert _answers(pm, "register_permission_rules", "probe_measure") == [
        [
            PermissionRule.allow_roles("probe_measure.read", Role.CITIZEN),
            PermissionRule.allow_roles("probe_measure.decide", Role.CLERK, Role.SUPERVISOR),
            PermissionRule.allow_roles("probe_measure.public", *Role),
        ]
    ]
    assert _answers(pm, "register_settings", "probe_measure") == [list(_Probe.settings)]
    # an attribute left undeclared answers nothing, as a hook not implemented
    assert _answers(pm, "register_default_rollout", "probe_measure") == []
    assert _answers(pm, "register_query_types", "probe_measure") == []


def test_a_hook_method_replaces_the_declared_attribute():
    class Computed(_Probe):
        @hookimpl
        def register_permission_rules(self):
            return [
                PermissionRule.allow_roles(self.action("x"), Role.CLERK),
                *self.permission_rules(),
            ]

    pm, _ = load_plugins((), [Computed()])
    [rules] = _answers(pm, "register_permission_rules", "probe_measure")
    assert [r.action for r in rules] == [
        "probe_measure.x", "probe_measure.read", "probe_measure.decide", "probe_measure.public"
    ]  # fmt: skip


def test_an_override_of_a_hook_without_hookimpl_is_refused():
    with pytest.raises(TypeError, match="register_settings.*hookimpl"):

        class Unmarked(MeasurePlugin):
            def register_settings(self):
                return []


def test_a_plugin_object_and_a_module_style_plugin_load_together(pool):
    """A module declaring `plugin = ...` registers the object; a module with module-level hooks
    (the older way, docs/example_plugin.py) registers itself; both answer the same hooks."""
    declared = _module("probe_measure")
    declared.plugin = _Probe()
    old_style = _module(
        "old_style",
        register_query_types=lambda: [_query_type("OldStyleQuery", "old_style_field")],
        register_permission_rules=lambda: [PermissionRule.allow_roles("old_style.x", Role.CLERK)],
    )
    platform = _build(pool, declared, old_style)
    assert [(p.name, p.module) for p in platform.plugins[1:]] == [
        ("probe_measure", declared),
        ("old_style", old_style),
    ]
    assert platform.pm.get_plugin("probe_measure") is declared.plugin
    assert "probe_measure" in platform.measures
    assert platform.permissions.permits("probe_measure.read", frozenset({Role.CITIZEN}))
    assert platform.permissions.permits("old_style.x", frozenset({Role.CLERK}))
    assert "oldStyleField" in platform.schema.as_str()


def test_module_hooks_beside_a_plugin_object_are_refused():
    mixed = _module("mixed", register_query_types=lambda: [])
    mixed.plugin = _Probe()
    with pytest.raises(PluginError, match="mixed.*register_query_types"):
        load_plugins((), [mixed])


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
