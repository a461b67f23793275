"""Plugin loading and schema composition fail loudly, naming the plugin."""

import types

import pytest
import strawberry

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


def test_bundled_plugins_are_the_twenty_slugs_or_a_subset():
    slugs = set(
        [
            "e_driving_licence",
            "used_car_transfer",
            "driving_exam",
            "truck_pass",
            "residential_parking",
            "elderly_proxy",
            "veteran_licence",
            "overseas_relief",
            "online_entrustment",
            "mortgage_check",
            "insurance_check",
            "accident_evidence",
            "e_vehicle_licence",
            "motorcycle_one_id",
            "online_deregistration",
            "courier_service",
            "reapplication_exam",
            "intersection_nonmotor",
            "precise_guidance",
            "unit_accounts",
        ]
    )
    assert set(bundled_plugin_names()) <= slugs
