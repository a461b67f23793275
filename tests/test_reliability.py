"""Faults: a crash inside a mutation writes nothing; the outbox loses nothing while the sender is down."""

from sqlmodel import func, select

from core.audit import AuditEvent
from core.outbox import OutboxMessage, SentMessage
from core.registries.licences import DrivingLicence

REMARK = 'mutation($id: ID!) { exampleLicenceRemarkAdd(licenceId: $id, text: "备注") { remarks errors { code } } }'


def test_crash_in_the_middle_of_a_mutation_leaves_no_partial_write(example_env, monkeypatch):
    env = example_env
    lic = env.refs["zhang_licence"]

    def crash(*args, **kwargs):
        raise OSError("disk full")

    from core import context

    # fails after the licence row was changed in the session, when the audit event is inserted
    monkeypatch.setattr(context, "insert_event", crash)
    body = env.gql(REMARK, {"id": lic.id}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    with env.session() as s:
        assert s.get(DrivingLicence, lic.id).remarks == []
        assert s.exec(select(func.count()).select_from(AuditEvent)).one() == 0
    monkeypatch.undo()
    assert env.data(REMARK, {"id": lic.id}, as_="clerk")["exampleLicenceRemarkAdd"]["remarks"] == [
        "备注"
    ]


def test_outbox_delivers_everything_after_the_sender_comes_back(core_env):
    env = core_env
    platform = env.platform
    with env.session() as s:
        for i in range(5):
            s.add(
                OutboxMessage(
                    person_id=env.refs["zhang"].id,
                    template="test",
                    params={"i": i},
                    created_at=env.clock.now(),
                    next_attempt_at=env.clock.now(),
                )
            )
        s.commit()
    sender = platform.adapter("notification_sender")
    job = platform.jobs["outbox_deliver"]
    sender.down = True
    assert job.run(platform, env.clock.now()) == {"sent": 0, "failed": 5}
    assert job.run(platform, env.clock.now()) == {
        "sent": 0,
        "failed": 0,
    }  # backing off, nothing due yet
    sender.down = False
    env.clock.advance(__import__("datetime").timedelta(minutes=5))
    assert job.run(platform, env.clock.now()) == {"sent": 5, "failed": 0}
    assert job.run(platform, env.clock.now()) == {"sent": 0, "failed": 0}  # each message once
    with env.session() as s:
        assert s.exec(select(func.count()).select_from(SentMessage)).one() == 5
        assert set(s.exec(select(OutboxMessage.status)).all()) == {"SENT"}
