"""M14 uses the core's office tickets (issue 16 item 3): on a move-in from Nanjing to Shanghai
the transfer-in office raises an archive problem with the transfer-out office; a business within
one city is not between two offices."""

from __future__ import annotations

from core.testing_notices import notice_templates

from .helpers import PLUGINS, SUBMIT, move_in

RAISE = """mutation($a: ID!, $k: OfficeTicketKind!) { officeTicketRaise(input: {applicationId: $a,
  kind: $k, description: "转籍档案未收到"}) { errors { code field rule } ticket { id status
  transferOutCity transferInCity counterpartCity } } }"""
ANSWER = """mutation($t: ID!) { officeTicketAnswer(ticketId: $t, answer: "已重新推送电子档案") {
  errors { code } ticket { status } } }"""


def test_a_move_in_ticket_between_the_two_offices(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    app_id = sub["motorcycleApplicationSubmit"]["application"]["id"]
    out = env.data(RAISE, {"a": app_id, "k": "ARCHIVE_LATE"}, as_="clerk_sh")["officeTicketRaise"]
    assert out["errors"] == []
    t = out["ticket"]
    assert (t["transferOutCity"], t["transferInCity"], t["counterpartCity"]) == (
        "320100", "310100", "320100"
    )  # fmt: skip
    notified = notice_templates(env, "clerk")
    assert notified == ["core.ticket.raised"]
    answered = env.data(ANSWER, {"t": t["id"]}, as_="clerk")["officeTicketAnswer"]
    assert answered == {"errors": [], "ticket": {"status": "ANSWERED"}}
    wrong = env.data(RAISE, {"a": app_id, "k": "ARCHIVE_LATE"}, as_="clerk_bj")
    assert wrong["officeTicketRaise"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"


def test_a_business_in_one_city_has_no_ticket(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4TEST000000009"}  # fmt: skip
    sub = env.data(SUBMIT, {"input": body}, as_="zhang_account")
    app_id = sub["motorcycleApplicationSubmit"]["application"]["id"]
    out = env.data(RAISE, {"a": app_id, "k": "ARCHIVE_LATE"}, as_="clerk")["officeTicketRaise"]
    assert out["errors"][0]["code"] == "TICKET_NOT_APPLICABLE"
    assert "2024-二-三" in out["errors"][0]["rule"]


def test_not_in_force_before_the_measure(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    app_id = sub["motorcycleApplicationSubmit"]["application"]["id"]
    env.clock.set("2024-06-30")
    out = env.data(RAISE, {"a": app_id, "k": "ARCHIVE_LATE"}, as_="clerk_sh")["officeTicketRaise"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
