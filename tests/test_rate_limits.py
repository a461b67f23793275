"""Rate limits are shared and count the right client (issue "Hardening, round 2", item 9).

They were per process (30 a minute became 30 x workers) and the client address could be chosen
with `X-Forwarded-For`. Now the windows live in Redis when REDIS_URL is set (memory otherwise, and
as the fallback when Redis stops answering), and the client address comes from X-Forwarded-For
only when the direct peer is in TRUSTED_PROXIES. These tests run in-process through the ASGI app;
tests/test_deployment.py runs the documented production command with two workers on one Redis.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from starlette.testclient import TestClient

from core.http import create_app
from core.ratelimit import RateLimiter
from core.settings import Settings, parse_trusted_proxies
from tests.test_http_limits import _env_with

REDIS_URL = "redis://127.0.0.1:6379/0"
# citizenRegisterConfirm: limited to 30 per 10 minutes per client address, and cheap (no scrypt)
CONFIRM = """mutation($p: String!) { citizenRegisterConfirm(phone: $p, code: "000000") {
  errors { code field } } }"""


def _redis_up() -> bool:
    return RateLimiter(REDIS_URL, f"probe-{uuid.uuid4().hex}").check_store()


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")


def _confirm(client: TestClient, n: int, forwarded_for: str | None = None) -> str:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    response = client.post(
        "/graphql",
        json={"query": CONFIRM, "variables": {"p": f"137{n:08d}"}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["citizenRegisterConfirm"]["errors"][0]["code"]


def _use_up(client: TestClient, start: int, forwarded_for=lambda i: None) -> None:
    """Spend one client address's 30 attempts (distinct phones: the per-phone limit stays out)."""
    for i in range(30):
        assert _confirm(client, start + i, forwarded_for(i)) == "BAD_CREDENTIALS", i


@pytest.fixture
def proxied_env(pool):
    env = _env_with(pool, trusted_proxies=("10.0.0.1", "fd00::/8"))
    yield env
    env.platform.limiter.reset()


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(proxied_env):
    client = TestClient(create_app(proxied_env.platform), client=("192.0.2.50", 40000))
    _use_up(client, 0, forwarded_for=lambda i: f"203.0.113.{i}")  # a new address every call
    assert _confirm(client, 100, "203.0.113.200") == "RATE_LIMITED"
    assert _confirm(client, 101) == "RATE_LIMITED"


def test_forwarded_for_from_a_trusted_proxy_is_honoured(proxied_env):
    proxy = TestClient(create_app(proxied_env.platform), client=("10.0.0.1", 40000))
    _use_up(proxy, 0, forwarded_for=lambda i: "198.51.100.1")
    assert _confirm(proxy, 100, "198.51.100.1") == "RATE_LIMITED"
    # another client behind the same proxy has its own budget
    assert _confirm(proxy, 101, "198.51.100.2") == "BAD_CREDENTIALS"
    # the right-most address that is not a trusted proxy counts; what the client put in front
    # of it does not
    assert _confirm(proxy, 102, "192.0.2.1, 198.51.100.1") == "RATE_LIMITED"
    assert _confirm(proxy, 103, "198.51.100.1, 10.0.0.1") == "RATE_LIMITED"
    # the proxy's own requests (no header) count for the proxy
    assert _confirm(proxy, 104) == "BAD_CREDENTIALS"


def test_trusted_networks_work_for_ipv6(proxied_env):
    proxy = TestClient(create_app(proxied_env.platform), client=("fd00::1", 40000))
    _use_up(proxy, 0, forwarded_for=lambda i: "2001:db8::7")
    assert _confirm(proxy, 100, "2001:db8::7") == "RATE_LIMITED"
    assert _confirm(proxy, 101, "2001:db8::8") == "BAD_CREDENTIALS"


def test_no_trusted_proxies_by_default(core_env):
    assert core_env.platform.settings.trusted_proxies == ()
    client = TestClient(create_app(core_env.platform), client=("127.0.0.1", 40000))
    _use_up(client, 0, forwarded_for=lambda i: f"203.0.113.{i}")
    assert _confirm(client, 100, "198.51.100.99") == "RATE_LIMITED"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1",)),
        (" 10.0.0.5 , 10.1.0.0/16,fd00::/8 ", ("10.0.0.5", "10.1.0.0/16", "fd00::/8")),
        ("", ()),
    ],
)
def test_trusted_proxies_setting(monkeypatch, value, expected):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    assert Settings.from_env().trusted_proxies == expected


@pytest.mark.parametrize("value", ["*", "nginx", "10.0.0.0/33", "10.0.0.1, everyone"])
def test_trusted_proxies_refuses_what_is_not_an_address(value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_trusted_proxies(value)


@needs_redis
def test_two_platforms_on_one_redis_share_the_limit(pool):
    """Two platforms (as two workers would be) with one Redis: 5 sign-in attempts per login a
    minute in total, not 5 each."""
    prefix = f"traffic-test-{uuid.uuid4().hex}"
    first = _env_with(pool, redis_url=REDIS_URL, rate_limit_prefix=prefix)
    second = _env_with(pool, redis_url=REDIS_URL, rate_limit_prefix=prefix)
    query = 'mutation { signIn(login: "13900000002", password: "wrong") { errors { code } } }'
    try:
        codes = [
            (first if i % 2 else second).data(query)["signIn"]["errors"][0]["code"]
            for i in range(7)
        ]
        assert codes == ["BAD_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 2
    finally:
        first.platform.limiter.reset()


@needs_redis
def test_reset_clears_only_its_own_prefix():
    mine = RateLimiter(REDIS_URL, f"traffic-test-{uuid.uuid4().hex}")
    other = RateLimiter(REDIS_URL, f"traffic-test-{uuid.uuid4().hex}")
    try:
        for limiter in (mine, other):
            limiter.hit("x", "caller", 1, 60)
        mine.reset()
        mine.hit("x", "caller", 1, 60)  # allowed again: its window is gone
        with pytest.raises(Exception, match="Too many attempts"):
            other.hit("x", "caller", 1, 60)  # untouched
    finally:
        mine.reset()
        other.reset()


def test_unreachable_redis_falls_back_to_memory(pool, caplog):
    """Limits still hold (per process) when Redis does not answer; one warning, not one a hit."""
    env = _env_with(pool, redis_url="redis://127.0.0.1:1/0", rate_limit_prefix="unreachable")
    query = 'mutation { signIn(login: "13900000002", password: "wrong") { errors { code } } }'
    with caplog.at_level(logging.WARNING, logger="traffic.ratelimit"):
        codes = [env.data(query)["signIn"]["errors"][0]["code"] for _ in range(7)]
    assert codes == ["BAD_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 2
    warnings = [r for r in caplog.records if r.name == "traffic.ratelimit"]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0].getMessage()


def test_in_memory_limits_start_no_thread_per_hit(monkeypatch):
    """The library's memory storage started a timer thread every 10 ms under load (~70 µs a hit):
    ours expires windows at most once a second, and still counts exactly."""
    import threading

    import pytest

    from core.errors import RuleError
    from core.ratelimit import RateLimiter

    started = []
    real_start = threading.Timer.start

    def counting_start(self):  # noqa: ANN001
        started.append(self)
        real_start(self)

    monkeypatch.setattr(threading.Timer, "start", counting_start)
    limiter = RateLimiter()
    for _ in range(2000):
        limiter.hit("busy", "caller", 100_000, 60)
    assert len(started) <= 2
    for _ in range(5):
        limiter.hit("small", "caller", 5, 60)
    with pytest.raises(RuleError) as refused:
        limiter.hit("small", "caller", 5, 60)
    assert refused.value.code == "RATE_LIMITED"
