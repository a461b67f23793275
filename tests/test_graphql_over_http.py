"""GraphQL over HTTP media types (review finding): a client that asks for
`application/graphql-response+json` gets that type, and a request error (parse, validation,
limits, variables) answers 4xx with no `data`; `application/json` keeps 200 (core/http.py)."""

from __future__ import annotations

import pytest

from core.http import answer_media_type

GQL = "application/graphql-response+json"
ACCEPT_GQL = {"accept": f"{GQL}, application/json;q=0.9"}
ACCEPT_JSON = {"accept": "application/json"}


def _depth(env):
    limit = env.platform.settings.max_query_depth
    return "{ " + "me { person { " * limit + "name" + " } }" * limit + " }"


def _aliases(env):
    n = env.platform.settings.max_aliases + 1
    return "{ " + " ".join(f"a{i}: measures {{ code }}" for i in range(n)) + " }"


def _tokens(env):
    return "{ " + " ".join("__typename" for _ in range(env.platform.settings.max_tokens)) + " }"


REQUEST_ERRORS = {
    "parse": lambda env: "{ measures { code }",
    "unknown field": lambda env: "{ measurez { code } }",
    "depth": _depth,
    "aliases": _aliases,
    "tokens": _tokens,
}


@pytest.mark.parametrize("kind", sorted(REQUEST_ERRORS))
def test_request_errors_are_400_for_graphql_response_json(core_env, kind):
    query = REQUEST_ERRORS[kind](core_env)
    r = core_env.http.post("/graphql", json={"query": query}, headers=ACCEPT_GQL)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == GQL
    body = r.json()
    assert "data" not in body and body["errors"][0]["message"]
    # the same request as application/json (and with no Accept): 200, as before
    for headers in (ACCEPT_JSON, {}):
        legacy = core_env.http.post("/graphql", json={"query": query}, headers=headers)
        assert legacy.status_code == 200, legacy.text
        assert legacy.headers["content-type"] == "application/json"
        assert legacy.json()["errors"] == body["errors"]


def test_bad_variables_are_a_request_error(core_env):
    query = "query($f: Int!) { myAuditTrail(first: $f) { totalCount } }"
    for headers, status in ((ACCEPT_GQL, 400), (ACCEPT_JSON, 200)):
        r = core_env.http.post(
            "/graphql",
            json={"query": query, "variables": {"f": "north"}},
            headers={**headers, "authorization": f"Bearer {core_env.token('zhang_account')}"},
        )
        assert r.status_code == status, r.text
        assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        # graphql-response+json: no `data` entry; application/json: `data: null` as before
        assert ("data" in r.json()) is (status == 200)


def test_successes_and_field_errors_stay_200_with_the_asked_type(core_env):
    ok = core_env.http.post("/graphql", json={"query": "{ measures { code } }"}, headers=ACCEPT_GQL)
    assert ok.status_code == 200 and ok.headers["content-type"] == GQL
    assert ok.json() == {"data": {"measures": []}}
    # a field error (the query ran): data present, 200
    field = core_env.http.post(
        "/graphql",
        json={"query": "{ myAuditTrail(first: 1000) { totalCount } }"},
        headers={**ACCEPT_GQL, "authorization": f"Bearer {core_env.token('zhang_account')}"},
    )
    assert field.status_code == 200 and field.headers["content-type"] == GQL
    assert "data" in field.json() and field.json()["errors"]
    # GET queries too
    got = core_env.http.get("/graphql", params={"query": "{ measurez }"}, headers=ACCEPT_GQL)
    assert got.status_code == 400 and got.headers["content-type"] == GQL
    # a batch (outside the specification) stays application/json, 200
    op = {"query": "{ measurez }"}
    batch = core_env.http.post("/graphql", json=[op, op], headers=ACCEPT_GQL)
    assert batch.status_code == 200 and batch.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GQL, GQL),
        (f"application/json, {GQL}", GQL),
        (f"application/json;q=1, {GQL};q=0.5", "application/json"),
        (f"{GQL};q=0", "application/json"),
        (f"{GQL};q=0.9, application/json;q=0.8", GQL),
    ],
)
def test_accept_negotiation(accept, expected):
    assert answer_media_type(accept) == expected


@pytest.mark.parametrize("method", ["PUT", "OPTIONS", "HEAD", "DELETE", "PATCH"])
def test_other_methods_get_the_same_json_405(core_env, method):
    r = core_env.http.request(method, "/graphql")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/json"
    assert r.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert r.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
