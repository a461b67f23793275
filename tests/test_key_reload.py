"""Key rotation by another worker (or `core.cli rotate-keys`) is seen by every read path of a
running server within REFRESH_SECONDS: the JWKS, the signed trust list and the key that signs QR
payloads, not only verification."""

from __future__ import annotations

import json

from core.documents import keys as keys_module
from core.documents.keys import KeyRing
from verifier import codec

SHOW = "{ eDrivingLicenceShow(count: 1) { payloads { text } } }"


class FakeSeconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1_000_000.0

    def __call__(self) -> float:
        return self.value


def _states(env) -> dict[str, str]:
    return {k["kid"]: k["status"] for k in env.http.get("/.well-known/jwks.json").json()["keys"]}


def _trust_list_states(env) -> dict[str, str]:
    signed = codec.parse(env.http.get("/credentials/trust-list").text, "TL1:")
    return {k["kid"]: k["status"] for k in json.loads(signed.claims[1])}


def test_a_rotation_elsewhere_reaches_jwks_trust_list_and_signing_without_a_verification(
    make_env,
):
    from plugins.e_driving_licence.tests.helpers import issue

    env = make_env(["e_driving_licence"])
    issue(env)
    ring = env.platform.keys
    seconds = FakeSeconds()
    saved = ring.monotonic
    ring.monotonic = seconds
    try:
        ring.reload()
        old = ring.active("document").kid
        # a second platform (another worker, or the CLI) rotates the document keys
        other = KeyRing(env.platform.engine)
        new = other.rotate("document", env.clock.now())
        assert _states(env)[old] == "active"  # within the refresh interval: not yet seen
        seconds.value += keys_module.REFRESH_SECONDS + 20  # 80 s later, nobody verified anything
        assert _states(env)[old] == "retiring" and _states(env)[new] == "active"
        assert _trust_list_states(env)[old] == "retiring"
        text = env.data(SHOW, as_="zhang_account")["eDrivingLicenceShow"]["payloads"][0]["text"]
        assert codec.parse(text, "DL1:").kid == new
    finally:
        ring.monotonic = saved
        ring.reload()


def test_signing_reloads_on_the_timer_too(make_env):
    env = make_env()
    ring = env.platform.keys
    seconds = FakeSeconds()
    saved = ring.monotonic
    ring.monotonic = seconds
    try:
        ring.reload()
        new = KeyRing(env.platform.engine).rotate("auth", env.clock.now())
        assert ring.active("auth").kid != new
        seconds.value += keys_module.REFRESH_SECONDS + 1
        assert ring.active("auth").kid == new
    finally:
        ring.monotonic = saved
        ring.reload()
