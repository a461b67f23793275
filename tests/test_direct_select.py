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
        assert direct._compiled[engine.dialect.name] is not None  # the driver path
        assert tuple(row) == tuple(expected) and row.status == "ACTIVE" and row[1] == account.login
        assert direct.first(conn, sub="NO-SUCH-ACCOUNT") is None


def test_typed_columns_and_watched_connections_go_through_sqlalchemy(core_env):
    engine = core_env.platform.engine
    licence = core_env.refs["zhang_licence"]
    dated = DirectSelect(VALID_UNTIL)
    with engine.connect() as conn:
        row = dated.first(conn, id=licence.id)
        if engine.dialect.name == "sqlite":  # a date is text in SQLite: SQLAlchemy converts it
            assert dated._compiled["sqlite"] is None
        assert row.valid_until == licence.valid_until  # a date either way
        plain = DirectSelect(STATUS)
        with count_statements(engine) as counter:  # a listener sees every statement
            assert plain.first(conn, sub=core_env.refs["zhang_account"].id).status == "ACTIVE"
        assert counter.count == 1 and "FROM accounts" in counter.statements[0]
