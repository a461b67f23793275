"""Notices (core/notices.py): declared once, rendered when sent, listed by whom they concern."""

from __future__ import annotations

import pytest

from core import outbox
from core.notices import Addressee, NoticeTemplate, UndeclaredNotice
from plugins.e_driving_licence.tests.helpers import APPLY, PHOTO, REVIEW, issue

MY = """query($f: Int) { myNotices(first: $f) { totalCount nodes { measure template text channel
  unitId sentAt } } }"""


def _send(env, to, template="core.register.identity_used", params=None):
    with env.session() as session:
        outbox.notify(session, env.clock.now(), env.platform.notices, to, template, params or {})
        session.commit()


def _texts(env, who):
    return [n["text"] for n in env.data(MY, {"f": 50}, as_=who)["myNotices"]["nodes"]]


def test_a_decision_reaches_the_holder_as_declared(make_env):
    """An e-licence issued and one refused: the holder lists both, as the measure declared them."""
    env = make_env(["e_driving_licence"])
    issue(env)
    mine = env.data(MY, as_="zhang_account")["myNotices"]
    assert mine["totalCount"] == 1
    assert mine["nodes"][0]["template"] == "e_driving_licence.issued"
    assert mine["nodes"][0]["text"].startswith("您的电子驾驶证已签发")
    assert mine["nodes"][0]["measure"] == "e_driving_licence"
    assert mine["nodes"][0]["sentAt"] is None  # waiting in the outbox
    assert env.data(MY, as_="li_account")["myNotices"]["totalCount"] == 0  # nobody else's
    li = env.refs["li_licence"]
    applied = env.data(APPLY, {"id": li.id, "photo": PHOTO}, as_="li_account")
    app_id = applied["eDrivingLicenceApply"]["application"]["id"]
    env.data(REVIEW, {"id": app_id, "ok": False, "note": "照片不清晰"}, as_="clerk_sh")
    assert _texts(env, "li_account") == ["您的电子驾驶证申领未通过：照片不清晰"]
    env.platform.jobs["outbox_deliver"].run(env.platform, env.clock.now())
    assert all(n["sentAt"] for n in env.data(MY, as_="li_account")["myNotices"]["nodes"])


def test_staff_partners_and_unit_admins_see_what_was_addressed_to_them(core_env):
    env = core_env
    clerk = env.refs["clerk"]
    insurer_org = env.refs["insurer"][0]
    unit = env.refs["unit"]
    _send(env, Addressee.account(clerk.id))
    _send(env, Addressee.partner(insurer_org.id), "core.register.phone_in_use")
    _send(
        env, Addressee.unit(unit.id), "core.register.already_registered", {"login": "139****0001"}
    )
    assert len(_texts(env, "clerk")) == 1 and _texts(env, "clerk_sh") == []
    assert len(_texts(env, env.refs["insurer"])) == 1 and _texts(env, env.refs["rental"]) == []
    unit_notice = env.data(MY, as_="zhang_account")["myNotices"]["nodes"]  # the legal person
    assert [n["unitId"] for n in unit_notice] == [unit.id]
    assert "139****0001" in unit_notice[0]["text"]
    assert _texts(env, "li_account") == []  # a plain USER of the unit is not its addressee
    body = env.gql(MY)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_an_undeclared_notice_or_a_missing_parameter_is_a_programming_error(core_env):
    with pytest.raises(UndeclaredNotice, match="not declared"):
        _send(core_env, Addressee.account(core_env.refs["clerk"].id), "core.nonexistent")
    with pytest.raises(UndeclaredNotice, match="login"):
        _send(
            core_env,
            Addressee.account(core_env.refs["clerk"].id),
            "core.register.already_registered",
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("other.x", "core", "text"), "is not named 'core.<event>'"),
        (("core.x", "core", "text", "FAX"), "channel"),
        (("core.x", "core", "broken {brace"), "core.x"),
    ],
)
def test_a_malformed_declaration_fails_at_start_up(args, message):
    with pytest.raises(ValueError, match=message):
        NoticeTemplate(*args)


def test_an_addressee_is_exactly_one(core_env):
    with pytest.raises(ValueError, match="exactly one"):
        Addressee(person_id="a", unit_id="b")
    with pytest.raises(ValueError, match="exactly one"):
        Addressee()
