"""Loading plugins: the bundled ones (folders under `plugins/`) and installed third-party ones
(entry points in the group `traffic_admin.plugins`) are registered the same way.

The plugin manager is built by `load_plugins`, never at import time, so a test decides exactly
which measures exist. Any problem (import error, a hook with wrong parameters, a misspelled hook
name) stops start-up with `PluginError` naming the plugin.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs
from core.plugin_kit import MeasurePlugin

ENTRY_POINT_GROUP = "traffic_admin.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded or composed. The message names the plugin."""


@dataclass(frozen=True)
class LoadedPlugin:
    """One registered plugin: its `module` (where its folder, README and migrations are) and
    `origin`; pluggy holds the module's `plugin` object when it declares one (`hook_object`)."""

    name: str
    module: ModuleType
    origin: str  # core | bundled | entry-point | explicit


def bundled_plugin_names() -> list[str]:
    import plugins

    return sorted(
        m.name
        for m in pkgutil.iter_modules(plugins.__path__)
        if m.ispkg and not m.name.startswith("_")
    )


def _import(name: str, dotted: str) -> ModuleType:
    try:
        return importlib.import_module(dotted)
    except Exception as exc:
        raise PluginError(f"plugin {name!r} failed to import: {type(exc).__name__}: {exc}") from exc


def _is_hookimpl(value: Any) -> bool:
    return hasattr(value, f"{hookspecs.PROJECT}_impl")


def hook_object(name: str, source: ModuleType | MeasurePlugin) -> ModuleType | MeasurePlugin:
    """What pluggy registers for a plugin: a module's `plugin` (a `MeasurePlugin`) when it declares
    one, else the module itself (its module-level `@hookimpl` functions); a `MeasurePlugin`
    passed directly is itself.

    Raises PluginError when a module declares both a `plugin` object and module-level hooks (the
    latter would be silently ignored)."""
    declared = getattr(source, "plugin", None)
    if not isinstance(source, ModuleType) or not isinstance(declared, MeasurePlugin):
        return source
    if strays := sorted(n for n, v in vars(source).items() if _is_hookimpl(v)):
        raise PluginError(
            f"plugin {name!r} declares a `plugin` object and module-level hooks "
            f"({', '.join(strays)}): make them methods of the plugin's class"
        )
    return declared


def _module_of(source: ModuleType | MeasurePlugin) -> ModuleType:
    """The module a plugin lives in: itself, or the module of a plugin object's class."""
    return source if isinstance(source, ModuleType) else sys.modules[type(source).__module__]


def _explicit_name(source: Any) -> str:
    """The name of a plugin passed explicitly: its PLUGIN_NAME, a plugin object's measure slug,
    or the last part of its module name."""
    if name := getattr(source, "PLUGIN_NAME", None):
        return name
    if isinstance(source, MeasurePlugin) and source.info is not None:
        return source.info.slug
    return getattr(source, "__name__", repr(source)).split(".")[-1]


def load_plugins(
    selected: Iterable[str] | None = None,
    extra: Iterable[ModuleType | MeasurePlugin] = (),
) -> tuple[pluggy.PluginManager, list[LoadedPlugin]]:
    """Build a plugin manager with the core, the selected bundled/installed plugins and `extra`.

    `selected=None` loads every bundled and installed plugin; otherwise only those named. `extra`
    holds plugin modules or `MeasurePlugin` objects.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    wanted = set(selected) if selected is not None else None
    loaded: list[LoadedPlugin] = []

    import core.core_plugin

    candidates: list[tuple[str, Any, str]] = [("core", core.core_plugin, "core")]
    for name in bundled_plugin_names():
        if wanted is None or name in wanted:
            candidates.append((name, lambda n=name: _import(n, f"plugins.{n}"), "bundled"))
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if wanted is None or ep.name in wanted:
            candidates.append((ep.name, lambda ep=ep: _load_entry_point(ep), "entry-point"))
    for source in extra:
        candidates.append((_explicit_name(source), source, "explicit"))

    known = {c[0] for c in candidates}
    if wanted is not None and (missing := wanted - known):
        raise PluginError(f"unknown plugin(s): {', '.join(sorted(missing))}")

    for name, source, origin in candidates:
        if callable(source) and not isinstance(source, ModuleType | MeasurePlugin):
            source = source()
        if pm.has_plugin(name):
            raise PluginError(f"plugin {name!r} is registered twice ({origin})")
        try:
            pm.register(hook_object(name, source), name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r} has an invalid hook: {exc}") from exc
        loaded.append(LoadedPlugin(name, _module_of(source), origin))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = getattr(exc, "plugin", None)
        pname = pm.get_name(plugin) if plugin is not None else "?"
        raise PluginError(f"plugin {pname!r} implements an unknown hook: {exc}") from exc
    return pm, loaded


def entry_point_modules() -> list[str]:
    """The modules of the installed (entry point) plugins, by dotted name."""
    return [
        ep.value.split(":")[0] for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    ]


def _load_entry_point(ep: importlib.metadata.EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as exc:
        raise PluginError(
            f"plugin {ep.name!r} (entry point {ep.value}) failed to load: {exc}"
        ) from exc


def collect(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call one hook on every plugin separately, returning (plugin name, answer) pairs.

    Answers are kept per plugin so errors (duplicates, bad values) can name the plugin.
    """
    hook = getattr(pm.hook, hook_name)
    results: list[tuple[str, Any]] = []
    for impl in hook.get_hookimpls():  # registration order
        args = {k: kwargs[k] for k in impl.argnames}
        try:
            answer = impl.function(**args)
        except Exception as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
            ) from exc
        if answer is not None:
            results.append((impl.plugin_name, answer))
    return results
