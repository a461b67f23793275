"""One-shot share codes under concurrency: two partners' simultaneous uses, only one succeeds
(conditional UPDATE; meaningful on PostgreSQL, serialised by BEGIN IMMEDIATE on SQLite)."""

from concurrent.futures import ThreadPoolExecutor

from starlette.testclient import TestClient

from core.http import create_app

from .helpers import VERIFY, issue, show


def test_share_code_used_once_under_concurrency(edl):
    env = edl()
    issue(env)
    text = show(env)["payloads"][0]["text"]
    made = env.data(
        'mutation { eDrivingLicenceShareCreate(input: {claims: ["first_issue_date"], minutes: 10}) { code } }',
        as_="zhang_account",
    )["eDrivingLicenceShareCreate"]
    tokens = [env.token(env.refs["employer"]) for _ in range(4)]
    variables = {
        "in": {
            "payload": text,
            "purpose": "招聘",
            "claims": ["first_issue_date"],
            "shareCode": made["code"],
        }
    }

    def call(token: str) -> str:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        response = client.post(
            "/graphql",
            json={"query": VERIFY, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
        body = response.json()["data"]["eDrivingLicenceVerify"]
        return body["errors"][0]["code"] if body["errors"] else "OK"

    with ThreadPoolExecutor(4) as pool:
        results = sorted(pool.map(call, tokens))
    assert results.count("OK") == 1 and results.count("EDL_SHARE_CODE_INVALID") == 3, results
