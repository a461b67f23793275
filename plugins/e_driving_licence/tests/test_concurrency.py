"""One-shot share codes under concurrency: two partners' simultaneous uses, only one succeeds
(conditional UPDATE; meaningful on PostgreSQL, serialised by BEGIN IMMEDIATE on SQLite)."""

from core.testing_race import outcome, race

from .helpers import VERIFY, issued_payload, share_code


def test_share_code_used_once_under_concurrency(edl):
    env = edl()
    text = issued_payload(env)
    variables = {
        "in": {
            "payload": text,
            "purpose": "招聘",
            "claims": ["first_issue_date"],
            "shareCode": share_code(env),
        }
    }
    answers = race(env, [(env.refs["employer"], VERIFY, variables)] * 4)
    results = sorted(outcome(a["data"]["eDrivingLicenceVerify"]) for a in answers)
    assert results.count("OK") == 1 and results.count("EDL_SHARE_CODE_INVALID") == 3, results
