"""The house conventions of docs/plugins.md, checked over every bundled measure and the core, so a
new measure (or a change) that departs from them fails here with the place named."""

from __future__ import annotations

import ast
import enum
import importlib
import re
from pathlib import Path

import pytest

from core.errors import ErrorCode, RuleError
from core.graphql.operations import MutationFrame
from core.permissions import ROLES_MARK, allowed_of
from core.plugin_host import bundled_plugin_names
from core.plugin_kit import MeasurePlugin

ROOT = Path(__file__).resolve().parent.parent
# mutations that hash a secret (scrypt, in a worker thread) before their transaction: they open
# the frame themselves with ctx.mutate (core/api/mutations.py explains why)
OWN_FRAME = {"signIn", "partnerTokenCreate", "citizenRegister"}
PLUGINS = bundled_plugin_names()


@pytest.fixture
def every_measure_env(make_env):
    """The core with every bundled measure: the conventions below hold for each operation."""
    return make_env(PLUGINS)


def _root_fields(schema, root: str):
    converter = schema.config.name_converter
    for field in schema.get_type_by_name(root).fields:
        yield converter.get_graphql_name(field), field


def test_every_mutation_runs_in_the_frame(every_measure_env):
    """One transaction, one audit event, refusals as payload errors: `@mutation` everywhere."""
    schema = every_measure_env.platform.schema
    unframed = [
        name
        for name, field in _root_fields(schema, "Mutation")
        if not any(isinstance(e, MutationFrame) for e in field.extensions)
    ]
    assert sorted(unframed) == sorted(OWN_FRAME)


def test_every_operation_is_gated_and_its_roles_text_generated(every_measure_env):
    """Each query and mutation has a permission action; its description ends with exactly one
    generated "Roles: …" sentence (never a hand-written one that could disagree with the table)."""
    schema = every_measure_env.platform.schema
    for root in ("Query", "Mutation"):
        for name, field in _root_fields(schema, root):
            gate = allowed_of(field)
            assert gate is not None, f"{root}.{name} has no permission action"
            description = field.description or ""
            assert description.count(ROLES_MARK) == 1, f"{root}.{name}: {description!r}"
            assert re.search(r"Roles: [^.]+\.$", description), f"{root}.{name}: {description!r}"


def test_my_lists_are_named_my_things(every_measure_env):
    """The caller's own records are `my<Things>`; the older `<things>Mine` / `<measure>My<Things>`
    names survive only as deprecated aliases."""
    schema = every_measure_env.platform.schema
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


# Codes still raised without naming any rule (no `rule=` and no `cites` entry): state and
# duplicate refusals whose clause nobody has chosen yet. The list may only shrink; a new code
# raised without a rule fails the test below.
UNCITED = {
    "courier_service": {"INVALID_STEP"},
    "driving_exam": {"CLASS_ALREADY_HELD", "EXAM_DATE_IN_PAST", "PERMIT_NOT_ACTIVE", "SAME_LOCATION"},
    "e_driving_licence": {"PARTNER_SUSPENDED"},
    "elderly_proxy": {"CANCELLED", "NO_OFFICE", "QUEUE_EMPTY"},
    "overseas_relief": {"OPEN_APPLICATION"},
    "reapplication_exam": {
        "ALREADY_PASSED", "NOT_CANCELLED", "NOT_OPEN", "REASON_ON_FILE", "REASON_REQUIRED",
        "REGISTERED",
    },
    "truck_pass": {
        "ALREADY_BLACKLISTED", "ALREADY_LIFTED", "DUPLICATE_APPLICATION", "POLICY_WITHDRAWN"
    },
    "used_car_transfer": {"OPEN_TRANSFER_EXISTS", "PLATE_TAKEN", "SAME_OWNER", "WRONG_STATE"},
    "veteran_licence": {"ALREADY_LICENSED", "ALREADY_REMARKED", "NOT_SUSPICIOUS", "NO_CIVIL_LICENCE"},
}  # fmt: skip


def _measure_modules(slug: str, tests: bool = True):
    """(path, parsed module) for each of the measure's Python files, its migrations left out."""
    for path in sorted((ROOT / "plugins" / slug).rglob("*.py")):
        if "migrations" in path.parts or (not tests and "tests" in path.parts):
            continue
        yield path, ast.parse(path.read_text(), str(path))


def _raises(slug: str, code_enum: type[ErrorCode]):
    """Each `RuleError(<code_enum>.MEMBER, …)` in the measure's code: (place, member, names a
    rule at the raise)."""
    for path, tree in _measure_modules(slug, tests=False):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            called = getattr(node.func, "id", getattr(node.func, "attr", None))
            code = node.args[0]
            if (
                called == "RuleError"
                and isinstance(code, ast.Attribute)
                and isinstance(code.value, ast.Name)
                and code.value.id == code_enum.__name__
            ):
                named = len(node.args) >= 4 or any(k.arg == "rule" for k in node.keywords)
                yield f"{path.relative_to(ROOT)}:{node.lineno}", code_enum[code.attr], named


def _cites_calls(slug: str):
    """The measure's modules (tests included) that call `<Enum>.cites(...)`, once per call."""
    for path, tree in _measure_modules(slug):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "cites":
                yield str(path.relative_to(ROOT))


def _handed_on(slug: str, code_enum: type[ErrorCode]) -> set[str]:
    """Codes the measure names other than as a raise's code or a cites key: handed to a core
    helper that raises them."""
    raised, keys, named = set(), set(), []
    for _, tree in _measure_modules(slug, tests=False):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                called = getattr(node.func, "id", getattr(node.func, "attr", None))
                if called == "RuleError":
                    raised.add(id(node.args[0]))
                elif called == "cites" and isinstance(node.args[0], ast.Dict):
                    keys.update(id(k) for k in node.args[0].keys)
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == code_enum.__name__
            ):
                named.append(node)
    return {n.attr for n in named if id(n) not in raised | keys}


@pytest.mark.parametrize("slug", PLUGINS)
def test_every_refusal_names_its_rule(slug):
    """A refusal names the rule that refused it: at the raise (`rule=`), or through the code's
    entry in the measure's `cites` table (rules.py). A `cites` entry that no raise relies on is
    dead (a code handed to a core helper such as `start_review` counts as used), so it fails too,
    as does a code on the UNCITED list that now names a rule. The table is stated in rules.py and
    nowhere else: a table set from a test module would hold only while that module is loaded."""
    stated = sorted(_cites_calls(slug))
    assert stated == [f"plugins/{slug}/rules.py"], f"{slug}: state the cites table in rules.py"
    importlib.import_module(f"plugins.{slug}.rules")  # which states the table when imported
    (code_enum,) = _error_enums(slug)
    raises = list(_raises(slug, code_enum))
    bare = {member.name for _, member, named in raises if not named}
    bare |= _handed_on(slug, code_enum)  # given to a core helper (start_review, an Issuer)
    ruleless = sorted(
        f"{place} {member.name}" for place, member, named in raises
        if not named and member.rule is None and member.name not in UNCITED.get(slug, set())
    )  # fmt: skip
    assert ruleless == [], f"raised without a rule: add it to {slug}/rules.py's cites table"
    cited = {member.name for member in code_enum if member.rule is not None}
    assert cited - bare == set(), f"{slug}: cites entries no raise relies on"
    assert UNCITED.get(slug, set()) <= bare - cited, f"{slug}: UNCITED lists a code with a rule"


def test_a_cites_table_holds_only_its_own_codes_and_real_rules():
    """`ErrorCode.cites` refuses another enum's code, a plain string, a blank rule and a second
    table when the table is stated, not at the first refusal."""

    class Own(ErrorCode):
        A = "OWN_A"
        B = "OWN_B"

    class Other(ErrorCode):
        A = "OTHER_A"

    with pytest.raises(ValueError, match="not members"):
        Own.cites({Other.A: "M00 r"})
    with pytest.raises(ValueError, match="not members"):
        Own.cites({"OWN_A": "M00 r"})  # type: ignore[dict-item]
    for blank in ("", "   ", None):
        with pytest.raises(ValueError, match="empty rules"):
            Own.cites({Own.A: blank})  # type: ignore[dict-item]
    Own.cites({Own.A: "M00 一-1"})
    with pytest.raises(ValueError, match="stated once"):
        Own.cites({Own.B: "M00 一-2"})
    assert (Own.A.rule, Own.B.rule) == ("M00 一-1", None)
    assert RuleError(Own.A, "no").rule == "M00 一-1"
    assert RuleError(Own.A, "no", rule="M00 一-2").rule == "M00 一-2"  # the raise's own wins
    assert RuleError(Own.B, "no").rule is None


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
