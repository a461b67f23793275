"""Idempotency keys: a retry returns the first result and causes one side effect."""

import threading

from sqlmodel import func, select

from core.rollout import RolloutRule

SET = 'mutation($c: String!) { rolloutSet(input: {measure: "example_measure", city: $c, enabled: true}) { city errors { code } } }'


def _post(env, key, city="320500", who="province_admin"):
    return env.http.post(
        "/graphql",
        json={"query": SET, "variables": {"c": city}},
        headers={"authorization": f"Bearer {env.token(who)}", "idempotency-key": key},
    )


def _admin_rules(env):
    with env.session() as s:
        return s.exec(
            select(func.count()).select_from(RolloutRule).where(RolloutRule.source == "ADMIN")
        ).one()


def _audits(env):
    from core.audit import AuditEvent

    with env.session() as s:
        return s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "core.rollout_set")
        ).one()


def test_retry_replays_first_result_once(example_env):
    env = example_env
    first = _post(env, "key-00000001")
    second = _post(env, "key-00000001")
    assert first.status_code == second.status_code == 200
    assert second.headers["idempotency-replayed"] == "true"
    assert first.json() == second.json()
    assert _audits(env) == 1 and _admin_rules(env) == 1


def test_same_key_different_input_refused(example_env):
    env = example_env
    assert _post(env, "key-00000002", "320500").status_code == 200
    r = _post(env, "key-00000002", "320200")
    assert (
        r.status_code == 422
        and r.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    )


def test_keys_are_per_caller(example_env):
    env = example_env
    assert _post(env, "key-00000003").status_code == 200
    r = _post(env, "key-00000003", who="national_admin")
    assert r.status_code == 200 and "idempotency-replayed" not in r.headers


def test_concurrent_calls_with_one_key_execute_once(example_env):
    env = example_env
    results = []
    barrier = threading.Barrier(4)

    def call():
        barrier.wait()
        results.append(_post(env, "key-00000004").status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) >= 1
    assert set(results) <= {200, 409}
    assert _audits(env) == 1


def test_a_failure_that_committed_nothing_releases_the_key(example_env, monkeypatch):
    """Issue 12 item 8: an INTERNAL_ERROR (HTTP 200 with that code) is not replayed for 24 h; the
    retry with the same key runs and succeeds."""
    env = example_env
    from core.api import mutations

    real = mutations.stamp
    calls = []

    def flaky(value):
        calls.append(value)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real(value)

    monkeypatch.setattr(mutations, "stamp", flaky)
    first = _post(env, "key-00000005")
    assert first.status_code == 200
    assert first.json()["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert _admin_rules(env) == 0
    second = _post(env, "key-00000005")
    assert "idempotency-replayed" not in second.headers
    assert second.json()["data"]["rolloutSet"] == {"city": "320500", "errors": []}
    assert _admin_rules(env) == 1
    third = _post(env, "key-00000005")  # now that something was committed, it is replayed
    assert third.headers["idempotency-replayed"] == "true" and third.json() == second.json()
    assert _admin_rules(env) == 1


def test_a_refusal_is_not_kept_either(example_env):
    """A refusal wrote nothing (its audit event aside): the same key may run again once the cause
    is gone, e.g. after a rate limit or with the right role."""
    env = example_env
    refused = _post(env, "key-00000006", who="zhang_account")
    assert refused.json()["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
    again = _post(env, "key-00000006", who="zhang_account")
    assert "idempotency-replayed" not in again.headers


def test_a_secret_shown_once_is_not_kept_for_replays(core_env):
    """Review finding: a mutation answering a secret (a webhook signing secret, a partner client
    secret) sent with an Idempotency-Key left the plain secret in the key's stored response for
    24 hours. The stored response has it nulled; a replay says so in `extensions.redacted`."""
    from sqlmodel import select

    from core.idempotency import IdempotencyRecord

    env = core_env
    insurer = env.refs["insurer"]
    env.data(
        "mutation($p: ID!) { partnerMonitoringRegister(partnerId: $p, maxDays: 30) { maxDays } }",
        {"p": insurer[0].id},
        as_="national_admin",
    )
    query = 'mutation { monitoringWebhookEndpointSet(url: "http://127.0.0.1:9/h") { secret url } }'
    headers = {"authorization": f"Bearer {env.token(insurer)}", "idempotency-key": "secret-key-1"}
    first = env.http.post("/graphql", json={"query": query}, headers=headers).json()
    secret = first["data"]["monitoringWebhookEndpointSet"]["secret"]
    assert secret.startswith("whsec_")
    with env.session() as session:
        stored = [r.response for r in session.exec(select(IdempotencyRecord)).all()]
    assert stored and all(secret.encode() not in (r or b"") for r in stored)
    again = env.http.post("/graphql", json={"query": query}, headers=headers)
    assert again.headers.get("idempotency-replayed") == "true"
    body = again.json()
    assert body["data"]["monitoringWebhookEndpointSet"] == {
        "secret": None,
        "url": "http://127.0.0.1:9/h",
    }
    assert body["extensions"]["redacted"] == ["secret"]


def test_redact_secrets_leaves_other_answers_alone():
    from core.idempotency import redact_secrets

    plain = b'{"data":{"rolloutSet":{"city":"320500"}}}'
    assert redact_secrets(plain) == plain
    assert redact_secrets(b"not json") == b"not json"


def test_a_key_is_one_header_of_8_to_100_visible_ascii_characters(example_env):
    """As the IETF Idempotency-Key draft has it (a Structured Field string): a key of other
    characters, a tab, a padded key or two headers are refused with 400, nothing run."""
    env = example_env
    token = env.token("province_admin")
    body = {"query": SET, "variables": {"c": "320500"}}
    for key in ("电子驾驶证电子驾驶证".encode(), "abc\tdefgh", " abcdefgh", "k" * 101, "k" * 7):
        answer = env.http.post(
            "/graphql",
            json=body,
            headers={"authorization": f"Bearer {token}", "idempotency-key": key},
        )
        assert answer.status_code == 400, key
        assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    two = env.http.post(
        "/graphql",
        json=body,
        headers=[
            ("authorization", f"Bearer {token}"),
            ("idempotency-key", "first-key-1"),
            ("idempotency-key", "other-key-2"),
        ],
    )
    assert two.status_code == 400 and "one Idempotency-Key" in two.json()["errors"][0]["message"]
    assert _admin_rules(env) == 0  # none of them ran
    assert _post(env, "a key with spaces inside: ok-" + "k" * 70).status_code == 200
