"""docs/demo-accounts.md is the demo data set's accounts (issue 17 item 7): the tables are what
core.demo_accounts generates from the loaded demo data, and every login and partner client they
list signs in with the documented password or secret."""

import re

from sqlmodel import Session

from core import demo_accounts
from core.demo import load_demo_if_empty
from core.plugin_host import bundled_plugin_names
from core.testing import reset_database


def _full_demo(make_env, pool):
    env = make_env(bundled_plugin_names(), now="2024-09-02")
    reset_database(pool.engine)  # the whole demo data set, as `dev.py serve` loads it
    assert load_demo_if_empty(env.platform)
    return env


def test_the_document_lists_the_demo_accounts_and_they_sign_in(make_env, pool):
    env = _full_demo(make_env, pool)
    with Session(pool.engine) as session:
        generated = demo_accounts.tables(session)
    document = demo_accounts.DOC.read_text(encoding="utf-8")
    assert demo_accounts.replace_in(document, generated) == document, (
        "docs/demo-accounts.md is stale: run `python -m core.demo_accounts --write`"
    )
    for role in ("PROVINCE_ADMIN", "CLERK", "SUPERVISOR", "NATIONAL_ADMIN"):
        assert f"| {role} |" in generated
    assert "| 江苏省 (320000) | `admin.js` |" in generated  # the console's admin, by province
    assert "| 南京市 (320100) | `clerk.nj` |" in generated  # a clerk, by city

    logins = re.findall(r"\| `([^`]+)` \|", generated.split("### Partners")[0])
    assert len(logins) >= 20
    for login in logins:
        body = env.data(
            'mutation($l:String!){ signIn(login:$l, password:"demo-pass-1"){ token errors{ code } } }',
            {"l": login},
        )
        assert body["signIn"]["token"], (login, body)
    clients = re.findall(r"\| `([a-z-]+-demo)` \|", generated)
    assert "rental-demo" in clients
    for client in clients:
        body = env.data(
            'mutation($c:String!){ partnerTokenCreate(clientId:$c, clientSecret:"partner-secret-1"){ token errors{ code } } }',
            {"c": client},
        )
        assert body["partnerTokenCreate"]["token"], (client, body)
