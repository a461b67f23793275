"""A status change reaches the offline status lists on the next fetch (not after the 15-minute
job or half the list's TTL): the change marks the lists holding the licence's credentials
stale in the same transaction (core/documents/status_list.py)."""

from __future__ import annotations

import datetime as dt

from plugins.e_driving_licence.tests.helpers import SEIZE, issue, show
from verifier import TrustStore, Verifier


def _verdict(env, text: str) -> tuple[str, list[str]]:
    verifier = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").text))
    for list_id in range(4):
        verifier.add_status_list(env.http.get(f"/credentials/status-lists/{list_id}").text)
    answer = verifier.verify(text, now=env.clock.now().timestamp())
    return answer.verdict, answer.reasons


def test_a_seizure_shows_in_the_next_status_list_fetch(make_env):
    env = make_env(["e_driving_licence"])
    issue(env)
    text = show(env)["payloads"][0]["text"]
    assert _verdict(env, text)[0] == "ACCEPT"  # the lists are built and stored now
    env.clock.advance(dt.timedelta(minutes=1))  # well within half the TTL
    text = show(env)["payloads"][0]["text"]
    number = env.refs["zhang_licence"].file_number
    body = env.data(SEIZE, {"f": number, "p": "PAPER", "c": "320100"}, as_="road_officer")
    assert body["eDrivingLicenceSeize"]["errors"] == []
    verdict, reasons = _verdict(env, text)
    assert verdict == "REJECT" and reasons, reasons


def test_an_unrelated_write_leaves_the_stored_lists_alone(make_env):
    from sqlmodel import select

    from core.documents.credentials import StatusListRecord
    from core.registries.licences import DrivingLicence

    env = make_env(["e_driving_licence"])
    issue(env)
    assert _verdict(env, show(env)["payloads"][0]["text"])[0] == "ACCEPT"
    with env.session() as s:
        before = {r.list_id: r.issued_at for r in s.exec(select(StatusListRecord)).all()}
        other = s.get(DrivingLicence, env.refs["zhang_licence"].id)
        other.remarks = [*other.remarks, "备注"]  # not a column a status list depends on
        s.add(other)
        s.commit()
        after = {r.list_id: r.issued_at for r in s.exec(select(StatusListRecord)).all()}
    assert before == after and len(before) == 4
