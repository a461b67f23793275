"""Every measure setting is documented in its plugin's README with the declared type, unit, bounds,
default and scope (the table `measureSettings` also answers), so the docs cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.db import make_engine
from core.platform import build_platform
from core.plugin_api import SettingSpec
from core.settings import Settings
from core.settings_store import describe

ROOT = Path(__file__).resolve().parent.parent
SCOPE = {"CITY": "city, province or nationwide", "PROVINCE": "province or nationwide",
         "NATIONAL": "nationwide"}  # fmt: skip


def readme_row(spec: SettingSpec) -> str:
    default = json.dumps(spec.default, ensure_ascii=False)
    return (
        f"| `{spec.key}` | {describe(spec)} | `{default}` | {SCOPE[spec.scope.value]} "
        f"| {spec.description} |"
    )


@pytest.fixture(scope="module")
def specs():
    engine = make_engine("sqlite://")
    platform = build_platform(Settings(database_url="sqlite://"), engine=engine)
    yield platform.settings_store.specs
    engine.dispose()


def test_every_setting_has_its_row_in_the_plugin_readme(specs):
    assert specs, "no measure declares a setting: were the bundled plugins loaded?"
    for measure, declared in specs.items():
        readme = (ROOT / "plugins" / measure / "README.md").read_text()
        assert "| setting | takes | default | set per | meaning |" in readme, measure
        for spec in declared.values():
            assert readme_row(spec) in readme, f"{measure}: {readme_row(spec)}"
