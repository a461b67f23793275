"""Trusted documents (issue 17 item 2): a partner registers the documents its client sends, the
client sends their id; in production partner tokens may run only registered documents, which are
prepared once and never parsed or validated again (core/graphql/trusted.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from core.accounts import PartnerOrg
from core.audit.models import AuditEvent
from core.clock import Clock
from core.graphql import trusted
from core.graphql.trusted import TrustedDocument, document_id
from core.platform import build_platform
from core.settings import Settings
from core.testing import PlatformPool, at
from plugins.e_driving_licence.tests.helpers import issue, show

ROOT = Path(__file__).resolve().parent.parent
REGISTER = """mutation($d: String!, $n: String!, $p: ID) {
  trustedDocumentRegister(document: $d, name: $n, partnerId: $p) {
    documentId name errors { code message field rule } } }"""
VERIFY = """mutation Verify($in: EDrivingLicenceVerifyInput!) {
  eDrivingLicenceVerify(input: $in) { errors { code } verification { accepted reasons } } }"""
CITIES = "{ cities { code } }"
_PLATFORMS: dict[tuple, object] = {}


class _OnePlatform(PlatformPool):
    """A pool that hands out one given platform (here: one built with other settings)."""

    def __init__(self, pool: PlatformPool, platform) -> None:
        super().__init__(pool.engine, pool.settings)
        self.platform = platform

    def get(self, plugins, extra=()):
        return self.platform


def _env(pool, **overrides):
    key = tuple(sorted(overrides.items()))
    if key not in _PLATFORMS:
        settings = Settings(
            database_url=pool.settings.database_url, rollout_cache_seconds=3600, **overrides
        )
        _PLATFORMS[key] = build_platform(
            settings, clock=Clock(), engine=pool.engine, plugins=["e_driving_licence"]
        )
    return _OnePlatform(pool, _PLATFORMS[key]).fresh_env((), at("2024-09-02"))


@pytest.fixture
def dev_env(make_env):
    env = make_env(["e_driving_licence"])
    env.payload = _payload(env)
    return env


@pytest.fixture
def prod_env(pool):
    env = _env(pool, mode="production")
    env.payload = _payload(env)
    return env


def _payload(env) -> str:
    issue(env)
    return show(env)["payloads"][0]["text"]


def _allow_registering(env, who: str = "rental", province: str | None = None) -> None:
    with env.session() as s:
        org = s.get(PartnerOrg, env.refs[who][0].id)
        org.scopes = [*org.scopes, "documents:register"]
        org.province_code = province
        s.add(org)
        s.commit()
    ref = env.refs[who][0]  # the token is minted from the registration's scopes
    ref.scopes, ref.province_code = [*ref.scopes, "documents:register"], province


def _post(env, body: dict, as_=None, headers=None):
    hdrs = dict(headers or {})
    token = env.token(as_)
    if token:
        hdrs["authorization"] = f"Bearer {token}"
    return env.http.post("/graphql", json=body, headers=hdrs)


def _vars(env) -> dict:
    return {"in": {"payload": env.payload, "purpose": "车辆租赁"}}


def _register(env, as_, document=VERIFY, partner_id=None) -> dict:
    variables = {"d": document, "n": "verify", "p": partner_id}
    return env.data(REGISTER, variables, as_=as_)["trustedDocumentRegister"]


def test_a_partner_registers_a_document_and_runs_it_by_id(dev_env):
    env = dev_env
    _allow_registering(env)
    out = _register(env, "rental")
    assert out["errors"] == [] and out["documentId"] == document_id(VERIFY)
    with env.session() as s:
        rows = s.exec(select(TrustedDocument)).all()
        events = s.exec(
            select(AuditEvent).where(AuditEvent.action == "core.trusted_document_register")
        ).all()
    assert [(r.org_id, r.sha256, r.name) for r in rows] == [
        (env.refs["rental"][0].id, out["documentId"][7:], "verify")
    ]
    assert len(events) == 1
    # GraphQL-over-HTTP style, with and without the prefix, and Apollo's extension
    for body in (
        {"documentId": out["documentId"]},
        {"documentId": out["documentId"][7:]},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": out["documentId"][7:]}}},
    ):
        answer = _post(env, {**body, "variables": _vars(env)}, as_="rental")
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["eDrivingLicenceVerify"]["verification"]["accepted"] is True
    # the same text again: the same id, nothing new stored
    assert _register(env, "rental")["documentId"] == out["documentId"]
    with env.session() as s:
        assert len(s.exec(select(TrustedDocument)).all()) == 1


def test_another_firm_cannot_run_a_firms_document(dev_env):
    env = dev_env
    _allow_registering(env)
    doc = _register(env, "rental")["documentId"]
    for who in ("insurer", "zhang_account", None):
        answer = _post(env, {"documentId": doc, "variables": _vars(env)}, as_=who)
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_registering_is_refused_without_the_scope_out_of_province_and_for_invalid_documents(
    dev_env,
):
    env = dev_env
    out = _register(env, "rental")
    assert out["errors"][0]["code"] == "FORBIDDEN" and out["documentId"] is None
    _allow_registering(env, province="320000")
    rental_id = env.refs["rental"][0].id
    insurer_id = env.refs["insurer"][0].id
    assert _register(env, "rental", partner_id=insurer_id)["errors"][0]["code"] == "FORBIDDEN"
    bad = _register(env, "rental", document="{ citiez { code } }")
    assert bad["errors"][0]["code"] == "TRUSTED_DOCUMENT_INVALID"
    assert bad["errors"][0]["field"] == "document"
    refused = _register(env, "province_admin_gd", partner_id=rental_id)
    assert refused["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert _register(env, "province_admin", partner_id=rental_id)["errors"] == []
    assert _register(env, "national_admin", partner_id=insurer_id, document=CITIES)["errors"] == []
    with env.session() as s:
        assert {(r.org_id, r.sha256) for r in s.exec(select(TrustedDocument)).all()} == {
            (rental_id, document_id(VERIFY)[7:]),
            (insurer_id, document_id(CITIES)[7:]),
        }
    # roles without the rule: a top-level FORBIDDEN
    body = env.gql(REGISTER, {"d": CITIES, "n": "x", "p": rental_id}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_firm_registers_a_bounded_number_of_documents(dev_env, monkeypatch):
    from core.api import trusted_documents

    monkeypatch.setattr(trusted_documents, "MAX_PER_FIRM", 1)
    _allow_registering(dev_env)
    assert _register(dev_env, "rental")["errors"] == []
    assert _register(dev_env, "rental")["errors"] == []  # the same text again: no new document
    refused = _register(dev_env, "rental", document=CITIES)
    assert (
        refused["errors"][0]["code"] == "TRUSTED_DOCUMENT_LIMIT" and refused["documentId"] is None
    )
    with dev_env.session() as s:
        assert len(s.exec(select(TrustedDocument)).all()) == 1


def test_production_partners_run_only_registered_documents(prod_env):
    env = prod_env
    refused = _post(env, {"query": VERIFY, "variables": _vars(env)}, as_="rental")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
    # the shipped registration document, sent as text, is trusted
    _allow_registering(env)
    register = (ROOT / "core/graphql/trusted_documents/TrustedDocumentRegister.graphql").read_text()
    answer = _post(
        env,
        {"query": register.rstrip("\n"), "variables": {"document": VERIFY, "name": "verify"}},
        as_="rental",
    )
    assert answer.status_code == 200, answer.text
    doc = answer.json()["data"]["trustedDocumentRegister"]["documentId"]
    by_id = _post(env, {"documentId": doc, "variables": _vars(env)}, as_="rental")
    assert by_id.json()["data"]["eDrivingLicenceVerify"]["verification"]["accepted"] is True
    # the registered text itself is accepted too (hashed, then run as by id)
    by_text = _post(env, {"query": VERIFY, "variables": _vars(env)}, as_="rental")
    assert by_text.status_code == 200 and "errors" not in by_text.json()
    # citizens and anonymous callers are not restricted under the default policy
    assert "errors" not in _post(env, {"query": CITIES}).json()
    assert "errors" not in _post(env, {"query": CITIES}, as_="zhang_account").json()


def test_policy_all_restricts_every_caller(pool):
    env = _env(pool, trusted_documents="all")
    answer = _post(env, {"query": CITIES})
    assert answer.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
    # the partner page's sign-in, as the page sends it, is shipped
    sign_in = _page_documents()[0]
    answer = _post(
        env, {"query": sign_in, "variables": {"c": "rental-demo", "s": "partner-secret-1"}}
    )
    assert answer.json()["data"]["partnerTokenCreate"]["token"]


def _page_documents() -> list[str]:
    html = (ROOT / "plugins/e_driving_licence/web/partner.html").read_text()
    return [m.group(2) for m in re.finditer(r"gql\((`|\")(.*?)\1", html, re.S)]


def test_every_document_the_partner_page_sends_is_shipped(dev_env):
    """The /partner page sends text; in production its documents must be registered."""
    shipped = dev_env.platform.executor  # noqa: F841 - the platform loads the shipped folders
    found = trusted.shipped_documents(
        trusted.platform_folders(p.module for p in dev_env.platform.plugins)
    )
    page = _page_documents()
    assert len(page) == 2
    for text in page:
        assert document_id(text)[7:] in found, text[:60]


def test_every_shipped_document_validates(make_env):
    from core.plugin_host import bundled_plugin_names

    env = make_env(bundled_plugin_names())
    found = trusted.shipped_documents(
        trusted.platform_folders(p.module for p in env.platform.plugins)
    )
    assert len(found) >= 3
    for shipped in found.values():
        assert env.platform.executor.compile(shipped.text).errors == [], shipped.path


def test_a_registered_document_is_prepared_once_and_never_parsed_again(dev_env, monkeypatch):
    env = dev_env
    _allow_registering(env)
    doc = _register(env, "rental")["documentId"]
    endpoint_compiles: list[str] = []
    executor = env.platform.executor
    original = executor.compile

    def counting(text):
        endpoint_compiles.append(text)
        return original(text)

    monkeypatch.setattr(executor, "compile", counting)
    # a new app (a new worker): it compiles the document once, on its first use
    from starlette.testclient import TestClient

    from core.http import create_app

    env.http = TestClient(create_app(env.platform), raise_server_exceptions=False)
    first = _post(env, {"documentId": doc, "variables": _vars(env)}, as_="rental")
    assert first.status_code == 200 and endpoint_compiles == [VERIFY]

    def no_parsing(*args, **kwargs):
        raise AssertionError("a trusted document was parsed again")

    monkeypatch.setattr("core.graphql.executor.parse", no_parsing)
    monkeypatch.setattr("core.graphql.executor.validate", no_parsing)
    for _ in range(3):
        again = _post(env, {"documentId": doc, "variables": _vars(env)}, as_="rental")
        assert again.json()["data"]["eDrivingLicenceVerify"]["verification"]["accepted"] is True
    assert endpoint_compiles == [VERIFY]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"documentId": "sha256:xyz"}, 400, "BAD_REQUEST"),
        ({"documentId": 12}, 400, "BAD_REQUEST"),
        (
            {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}},
            400,
            "BAD_REQUEST",
        ),
        ({"extensions": "x"}, 400, "BAD_REQUEST"),
        ({"documentId": "sha256:" + "0" * 64}, 400, "PERSISTED_QUERY_NOT_FOUND"),
        ({"documentId": document_id(CITIES), "query": "{ measures { code } }"}, 400, "BAD_REQUEST"),
    ],
)
def test_bad_document_ids_are_client_errors(core_env, body, status, code):
    answer = core_env.http.post("/graphql", json=body)
    assert answer.status_code == status
    assert answer.json()["errors"][0]["extensions"]["code"] == code


def test_a_shipped_query_runs_by_id_with_get(make_env, tmp_path, monkeypatch):
    monkeypatch.setattr(trusted, "CORE_SHIPPED", tmp_path)
    (tmp_path / "Cities.graphql").write_text(CITIES + "\n")
    env = make_env(())
    from starlette.testclient import TestClient

    from core.http import create_app

    client = TestClient(create_app(env.platform))
    answer = client.get("/graphql", params={"documentId": document_id(CITIES)})
    assert answer.status_code == 200 and answer.json()["data"]["cities"]
