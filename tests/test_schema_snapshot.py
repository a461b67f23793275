"""schema.graphql is the published contract: it must equal the composed schema."""

from pathlib import Path

from core.permissions import gated_actions
from core.schema_export import composed_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_schema_graphql_matches_composed_schema():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == composed_sdl(), (
        "schema drifted: run `python -m core.cli schema` and review the diff"
    )


def test_every_root_field_is_gated():
    from core.db import make_engine
    from core.platform import build_platform
    from core.settings import Settings

    platform = build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))
    gated = gated_actions(platform.schema)
    for root in ("Query", "Mutation"):
        definition = platform.schema.get_type_by_name(root)
        for field in definition.fields:
            name = platform.schema.config.name_converter.get_graphql_name(field)
            assert f"{root}.{name}" in gated, f"{root}.{name} has no permission rule"
            assert platform.permissions.roles_for(gated[f"{root}.{name}"]), (
                f"{root}.{name}: no role may call it"
            )
