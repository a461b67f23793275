"""M06 (issue 16 item 1): the elder is told at application, with the right to revoke the mandate,
and at handling; the elder can revoke before the business is handled (the relative is told)."""

from __future__ import annotations

from core.registries.applications import Application
from core.testing_answers import first_code, top_code
from core.testing_db import outbox_messages

from .helpers import (
    APPLY,
    PAYLOAD,
    PLUGINS,
    apply_input,
    handle,
    review,
)

REVOKE = "mutation($id: ID!) { elderProxyRevoke(applicationId: $id) {" + PAYLOAD + "} }"


def _apply(env):
    elder = env.refs["elder"]
    data = apply_input(elder, vehicleId=env.refs["elder_car"].id)
    out = env.data(APPLY, {"input": data}, as_="zhang_account")["elderProxyApply"]
    assert out["errors"] == [], out
    return out["application"]


def test_elder_told_at_application_and_at_handling(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    app = _apply(env)
    (told,) = outbox_messages(env, "elderly_proxy.applied")
    assert told.person_id == env.refs["elder"].id
    assert "张伟" in told.text and "补换领机动车号牌" in told.text and "撤销" in told.text
    review(env, app["id"])
    assert handle(env, app["id"], vehicleId=env.refs["elder_car"].id)["errors"] == []
    (handled,) = outbox_messages(env, "elderly_proxy.handled")
    assert handled.person_id == env.refs["elder"].id and "补换领机动车号牌" in handled.text


def test_elder_revokes_the_mandate_before_handling(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    app = _apply(env)
    review(env, app["id"])
    relative = env.data(REVOKE, {"id": app["id"]}, as_="zhang_account")["elderProxyRevoke"]
    assert first_code(relative) == "NOT_FOUND"  # the relative cancels, the elder revokes
    assert top_code(env.gql(REVOKE, {"id": app["id"]}, as_="clerk")) == "FORBIDDEN"
    out = env.data(REVOKE, {"id": app["id"]}, as_="elder_account")["elderProxyRevoke"]
    assert out["errors"] == [] and out["application"]["status"] == "CANCELLED"
    (told,) = outbox_messages(env, "elderly_proxy.revoked")
    assert told.person_id == env.refs["zhang"].id
    assert first_code(handle(env, app["id"], vehicleId=env.refs["elder_car"].id)) == (
        "ELDER_PROXY_CANCELLED"
    )
    with env.session() as s:
        row = s.get(Application, app["id"])
        assert row.status == "CANCELLED"


def test_elder_cannot_revoke_after_handling_but_may_where_switched_off(make_env) -> None:
    """A way out works whatever the rollout (docs/plugins.md rule 2); a new application does not."""
    env = make_env(PLUGINS, now="2021-07-10")
    app = _apply(env)
    review(env, app["id"])
    handle(env, app["id"], vehicleId=env.refs["elder_car"].id)
    late = env.data(REVOKE, {"id": app["id"]}, as_="elder_account")["elderProxyRevoke"]
    assert first_code(late) == "ELDER_PROXY_ALREADY_USED"
    second = _apply(env)
    env.set_rollout("elderly_proxy", "320100", enabled=False)
    data = apply_input(env.refs["elder"], vehicleId=env.refs["elder_car"].id)
    refused = env.data(APPLY, {"input": data}, as_="zhang_account")["elderProxyApply"]
    assert first_code(refused) == "FEATURE_NOT_ENABLED"
    off = env.data(REVOKE, {"id": second["id"]}, as_="elder_account")["elderProxyRevoke"]
    assert off["errors"] == [] and off["application"]["status"] == "CANCELLED"
    assert outbox_messages(env, "elderly_proxy.revoked") != []


def test_the_review_is_told_to_relative_and_elder(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-10")
    app = _apply(env)
    review(env, app["id"], approve=False, note="身份证照片不清晰")
    told = outbox_messages(env, "elderly_proxy.rejected")
    assert {m.person_id for m in told} == {env.refs["zhang"].id, env.refs["elder"].id}
    assert all("身份证照片不清晰" in m.text and "补换领机动车号牌" in m.text for m in told)
    second = _apply(env)
    review(env, second["id"])
    assert len(outbox_messages(env, "elderly_proxy.approved")) == 2
