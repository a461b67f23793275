"""The contract cannot break silently (issue 17 item 3): the composed schema against the last
released one (schema/released.graphql), with every breaking change announced in CHANGELOG.md, and
every deprecation carrying a reason with a removal date (core/schema_history.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from graphql import build_schema

from core import schema_history as history
from core.schema_export import composed_sdl


@pytest.fixture(scope="module")
def current_sdl() -> str:
    return composed_sdl()


def test_every_breaking_change_since_the_release_is_in_the_changelog(current_sdl):
    missing = history.unannounced(
        history.RELEASED.read_text(), current_sdl, history.CHANGELOG.read_text()
    )
    assert not missing, (
        "breaking changes since the last release (schema/released.graphql) that CHANGELOG.md "
        "does not announce under '## Unreleased'; add these lines there (or keep the old field, "
        "deprecated with a removal date):\n" + "\n".join(f"- Breaking: `{c}`" for c in missing)
    )


def test_every_deprecation_names_a_removal_date(current_sdl):
    dates = history.removal_dates(build_schema(current_sdl))
    assert dates, "the schema deprecates something (the old names of the 'mine' lists)"
    undated = sorted(c for c, d in dates.items() if d is None)
    assert not undated, (
        "deprecated without a removal date ('removal on or after YYYY-MM-DD' in the reason): "
        + ", ".join(undated)
    )


SDL = """
type Query {
  cities(province: String): [City!]!
  oldCities: [City!]! @deprecated(reason: "Use cities; removal on or after 2027-06-30.")
}
type City { code: String! name: String }
enum Kind { A B @deprecated(reason: "No longer supported") }
input Filter { city: String @deprecated(reason: "Use cityCode; removal on or after 2027-02-30.") }
"""


def test_a_removed_field_fails_until_the_changelog_announces_it():
    changed = SDL.replace(
        '  oldCities: [City!]! @deprecated(reason: "Use cities; removal on or after 2027-06-30.")\n',
        "",
    ).replace("name: String", "name: Int")
    found = history.breaking_changes(SDL, changed)
    assert found == [
        "FIELD_CHANGED_KIND Field City.name changed type from String to Int.",
        "FIELD_REMOVED Field Query.oldCities was removed.",
    ]
    changelog = (
        "# Changelog\n\n## Unreleased\n\n"
        "- Breaking: `FIELD_REMOVED Field Query.oldCities was removed.` Use cities.\n\n"
        "## 0.1.0\n\n- `FIELD_CHANGED_KIND Field City.name changed type from String to Int.`\n"
    )
    # announced under an earlier release does not count: only Unreleased does
    assert history.unannounced(SDL, changed, changelog) == [
        "FIELD_CHANGED_KIND Field City.name changed type from String to Int."
    ]
    assert history.unannounced(SDL, changed, "# Changelog\n") == found
    # additions and a new optional argument break nothing
    added = SDL.replace("name: String }", "name: String population(year: Int): Int }")
    assert history.breaking_changes(SDL, added) == []


def test_deprecations_without_a_valid_removal_date_are_named():
    assert history.removal_dates(build_schema(SDL)) == {
        "Query.oldCities": dt.date(2027, 6, 30),
        "Kind.B": None,  # the default reason names no date
        "Filter.city": None,  # 30 February is no date
    }


def test_the_released_schema_is_a_valid_schema_and_the_changelog_has_an_unreleased_section():
    build_schema(history.RELEASED.read_text())
    assert history.unreleased_section(history.CHANGELOG.read_text()).strip()
