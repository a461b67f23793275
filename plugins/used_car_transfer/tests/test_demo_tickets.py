"""Review finding 4: the demo data set shows office tickets. Its M02 application names the
transfer-out (Suzhou) and transfer-in (Nanjing) cities, and Suzhou has a clerk, so the Nanjing
clerk raises a ticket on it and the Suzhou clerk answers it, as the plugin's README describes."""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import Account
from core.demo import load_demo_if_empty
from core.testing import reset_database

from ..rules import MEASURE

OPEN = """query { usedCarTransfersOpen(city: "320100", first: 5) { nodes { id applicationId fromCity } } }"""
RAISE = """mutation($a: ID!) { officeTicketRaise(input: {applicationId: $a, kind: ARCHIVE_INCOMPLETE,
  description: "电子档案缺少登记证书扫描件"}) { errors { code field } ticket { id status counterpartCity } } }"""
LIST = """query { officeTickets(code: "320500") { totalCount nodes { id status } } }"""
ANSWER = """mutation($t: ID!) { officeTicketAnswer(ticketId: $t, answer: "已补传") {
  errors { code } ticket { status } } }"""


def test_the_demo_transfer_takes_an_office_ticket_between_nanjing_and_suzhou(make_env, pool):
    env = make_env([MEASURE], now="2024-09-02")
    reset_database(pool.engine)  # the demo data set, as `dev.py serve` loads it
    assert load_demo_if_empty(env.platform)
    with Session(pool.engine) as s:
        nj = s.exec(select(Account).where(Account.login == "clerk.nj")).one()
        sz = s.exec(select(Account).where(Account.login == "clerk.sz")).one()
    assert sz.city_code == "320500"
    nodes = env.data(OPEN, as_=nj)["usedCarTransfersOpen"]["nodes"]
    demo = [n for n in nodes if n["fromCity"] == "320500"]
    assert demo, nodes
    out = env.data(RAISE, {"a": demo[0]["applicationId"]}, as_=nj)["officeTicketRaise"]
    assert out["errors"] == [], out
    assert out["ticket"]["counterpartCity"] == "320500"
    listed = env.data(LIST, as_=sz)["officeTickets"]
    assert listed["totalCount"] == 1
    answered = env.data(ANSWER, {"t": out["ticket"]["id"]}, as_=sz)["officeTicketAnswer"]
    assert answered == {"errors": [], "ticket": {"status": "ANSWERED"}}
