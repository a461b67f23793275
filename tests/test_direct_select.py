"""core.direct_select: the driver path answers as SQLAlchemy does, and steps aside when it must."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from core.accounts import Account
from core.direct_select import DirectSelect
from core.registries.licences import DrivingLicence
from core.testing import count_statements

ACCOUNTS = Account.__table__
LICENCES = DrivingLicence.__table__
STATUS = select(ACCOUNTS.c.status, ACCOUNTS.c.login).where(ACCOUNTS.c.id == bindparam("sub"))
VALID_UNTIL = select(LICENCES.c.valid_until).where(LICENCES.c.id == bindparam("id"))


def test_a_plain_select_goes_to_the_driver_with_the_same_answer(core_env):
    engine = core_env.platform.engine
    account = core_env.refs["zhang_account"]
    direct = DirectSelect(STATUS)
    with engine.connect() as conn:
        expected = conn.execute(STATUS, {"sub": account.id}).first()
        row = direct.first(conn, sub=account.id)
        assert direct._plans[engine.dialect.name] is not None  # the driver path
        assert tuple(row) == tuple(expected) and row.status == "ACTIVE" and row[1] == account.login
        assert direct.first(conn, sub="NO-SUCH-ACCOUNT") is None


def test_watched_connections_and_in_lists_go_through_sqlalchemy(core_env):
    engine = core_env.platform.engine
    licence = core_env.refs["zhang_licence"]
    dated = DirectSelect(VALID_UNTIL)
    with engine.connect() as conn:
        assert dated.first(conn, id=licence.id).valid_until == licence.valid_until  # a date
        plain = DirectSelect(STATUS)
        with count_statements(engine) as counter:  # a listener sees every statement
            assert plain.first(conn, sub=core_env.refs["zhang_account"].id).status == "ACTIVE"
        assert counter.count == 1 and "FROM accounts" in counter.statements[0]
        listed = DirectSelect(
            select(LICENCES.c.id).where(LICENCES.c.id.in_(bindparam("ids", expanding=True)))
        )
        assert listed.first(conn, ids=[licence.id]).id == licence.id
        assert listed._plans[engine.dialect.name] is None


def test_converted_columns_and_parameters_answer_as_sqlalchemy_does(core_env):
    """On SQLite a date is text and a timestamp is stored without its zone: the driver path
    applies SQLAlchemy's own conversions to the row and to the parameters; a value written into
    the statement (`status == "VALID"`) is sent with it."""
    from sqlalchemy import and_

    engine = core_env.platform.engine
    licence = core_env.refs["zhang_licence"]
    statement = select(LICENCES.c.id, LICENCES.c.valid_until, LICENCES.c.status).where(
        and_(
            LICENCES.c.id == bindparam("id"),
            LICENCES.c.valid_until >= bindparam("day"),
            LICENCES.c.status == licence.status,
        )
    )
    direct = DirectSelect(statement)
    with engine.connect() as conn:
        for day in (licence.valid_until, licence.valid_until.replace(year=1990)):
            expected = conn.execute(statement, {"id": licence.id, "day": day}).first()
            row = direct.first(conn, id=licence.id, day=day)
            assert tuple(row) == tuple(expected)
            assert type(row.valid_until) is type(licence.valid_until)
        assert direct.first(conn, id=licence.id, day=licence.valid_until.replace(year=2999)) is None
    if engine.dialect.name == "sqlite":
        assert direct._plans["sqlite"] is not None  # converted here, not left to SQLAlchemy


def test_fetch_one_takes_the_driver_path_and_sees_the_request_s_writes(core_env):
    """Context.fetch_one answers from the driver; inside a write (the request's session) it
    reads through the session, so it sees what the request wrote and has not committed."""
    from core.actor import ANONYMOUS
    from core.context import Context

    licence = core_env.refs["zhang_licence"]
    ctx = Context(core_env.platform, ANONYMOUS)
    try:
        row = ctx.fetch_one(VALID_UNTIL, id=licence.id)
        assert row.valid_until == licence.valid_until
        session = ctx.session
        session.get(DrivingLicence, licence.id).valid_until = licence.valid_until.replace(year=2040)
        session.flush()
        assert ctx.fetch_one(VALID_UNTIL, id=licence.id).valid_until.year == 2040
    finally:
        ctx.close()
