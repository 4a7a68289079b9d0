"""Statements built once are read straight through the driver (roost.db.fast): what they
return must be exactly what SQLAlchemy's execution layer returns for the same statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from roost.accounts.tables import accounts
from roost.db import Database
from roost.db.fast import plan
from roost.db.prepared import any_of
from roost.instance import Roost
from tests.conftest import MakeUser

pytestmark = pytest.mark.usefixtures("roost")

# Every kind of column a hot read returns (int, text, JSON, boolean, datetime, NULL), a
# list parameter, an optional parameter with a default, and an embedded constant.
_STMT = (
    sa.select(
        accounts.c.id,
        accounts.c.username,
        accounts.c.fields,
        accounts.c.locked,
        accounts.c.created_at,
        accounts.c.suspended_at,
        (accounts.c.statuses_count + sa.bindparam("extra", 0)).label("counted"),
    )
    .where(any_of(accounts.c.id, "ids"), accounts.c.username != "nobody")
    .order_by(accounts.c.id)
)


async def _slow(db: Database, stmt: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The same statement through SQLAlchemy's execution layer."""
    return [tuple(r) for r in (await db.connections._conn_execute(stmt, params)).all()]


async def test_rows_match_sqlalchemy_column_for_column(roost: Roost, make_user: MakeUser) -> None:
    db = roost.db
    a = await make_user("ann", locked=True)
    b = await make_user("ben")
    await db.execute(
        sa.update(accounts)
        .where(accounts.c.id == a.id)
        .values(fields=[{"name": "web", "value": "x"}], suspended_at=dt.datetime(2026, 1, 2, 3))
    )
    cases: list[dict[str, Any]] = [{"ids": [a.id, b.id]}, {"ids": [b.id], "extra": 5}, {"ids": []}]
    for params in cases:
        fast = await db.fetch_all(_STMT, params)
        assert [tuple(r) for r in fast] == await _slow(db, _STMT, params)
    assert db.connections.plan_of(_STMT) is not None  # the reads above took the fast path
    rows = await db.fetch_all(_STMT, {"ids": [a.id, b.id]})
    first: Any = rows[0]
    assert first.username == "ann"
    assert first[1] == "ann"
    assert first.fields == [{"name": "web", "value": "x"}]
    assert first.locked is True
    assert rows[1].locked is False
    assert isinstance(first.created_at, dt.datetime)
    assert first.suspended_at == dt.datetime(2026, 1, 2, 3)
    assert rows[1].suspended_at is None
    assert rows[1].counted == (await _slow(db, _STMT, {"ids": [b.id]}))[0][6]

    one = await db.fetch_one(_STMT, {"ids": [b.id]})
    assert one is not None
    assert one.id == b.id
    assert await db.fetch_one(_STMT, {"ids": []}) is None
    assert await db.scalar(_STMT, {"ids": [b.id, a.id]}) == min(a.id, b.id)
    assert await db.scalar(_STMT, {"ids": []}) is None
    assert await db.scalars(_STMT, {"ids": [b.id, a.id]}) == sorted([a.id, b.id])


async def test_what_gets_a_plan(db: Database) -> None:
    dialect = db.engine.sync_engine.dialect
    assert plan(_STMT, dialect) is not None
    expanding = sa.select(accounts.c.id).where(
        accounts.c.id.in_(sa.bindparam("ids", expanding=True))
    )
    assert plan(expanding, dialect) is None
    assert plan(sa.update(accounts).values(bot=True), dialect) is not None
    # Python-side defaults are SQLAlchemy's to compute per execution; several rows with
    # RETURNING are SQLAlchemy's "insertmanyvalues".
    t = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("n", sa.Integer, default=lambda: 1))  # fmt: skip
    assert plan(t.insert(), dialect, keys=("id",)) is None
    assert plan(t.insert(), dialect, keys=("id", "n")) is not None
    assert plan(t.insert().returning(t.c.id), dialect, keys=("id", "n"), many=True) is None
    # Two columns of one name cannot be a named tuple: left to SQLAlchemy.
    clash = sa.select(accounts.c.id, accounts.c.id.label("id"))
    assert plan(clash, dialect) is None


async def test_expanding_parameters_still_work_and_count_queries(
    roost: Roost, make_user: MakeUser
) -> None:
    db = roost.db
    a = await make_user("ann")
    expanding = sa.select(accounts.c.username).where(
        accounts.c.id.in_(sa.bindparam("ids", expanding=True))
    )
    before = db.query_count
    assert await db.scalars(expanding, {"ids": [a.id]}) == ["ann"]
    assert await db.scalars(_STMT, {"ids": [a.id]}) == [a.id]
    assert db.query_count == before + 2


async def test_a_missing_parameter_is_an_error_not_a_wrong_answer(db: Database) -> None:
    with pytest.raises(sa.exc.StatementError, match="ids"):
        await db.fetch_all(_STMT, {})


async def test_writes_in_a_transaction_match_sqlalchemy(roost: Roost, make_user: MakeUser) -> None:
    db = roost.db
    a = await make_user("ann")
    b = await make_user("ben")
    bump = (
        accounts.update()
        .where(accounts.c.id == sa.bindparam("p_id", type_=sa.BigInteger))
        .values(statuses_count=accounts.c.statuses_count + 1, locked=sa.bindparam("p_locked"))
        .returning(accounts.c.username, accounts.c.statuses_count, accounts.c.locked)
    )
    async with db.transaction() as tx:
        one = (await tx.execute(bump, [{"p_id": a.id, "p_locked": True}])).one()
        assert tuple(one) == ("ann", 1, True)
        add_ten = (
            accounts.update()
            .where(accounts.c.id == sa.bindparam("p_id", type_=sa.BigInteger))
            .values(statuses_count=accounts.c.statuses_count + 10)
        )
        many = await tx.execute(add_ten, [{"p_id": a.id}, {"p_id": b.id}])
        if db.is_sqlite:  # asyncpg's executemany does not count rows (-1)
            assert many.rowcount == 2
        # Reads inside the transaction see its writes.
        counts = sa.select(accounts.c.statuses_count).where(any_of(accounts.c.id, "ids"))
        assert sorted(await tx.scalars(counts, {"ids": [a.id, b.id]})) == [10, 11]
        none = await tx.execute(bump, [{"p_id": -1, "p_locked": False}])
        assert none.rowcount == 0
        assert none.first() is None
    assert await db.scalar(sa.select(accounts.c.locked).where(accounts.c.id == a.id)) is True

    # A constraint violation is SQLAlchemy's IntegrityError, and the transaction is undone.
    async def twice() -> None:
        async with db.transaction() as tx:
            await tx.execute(bump, [{"p_id": b.id, "p_locked": True}])
            row: Any = await db.fetch_one(sa.select(accounts).where(accounts.c.id == a.id), {})
            await tx.execute(accounts.insert(), [row._asdict()])  # the same id again

    with pytest.raises(sa.exc.IntegrityError):
        await twice()
    assert await db.scalar(sa.select(accounts.c.locked).where(accounts.c.id == b.id)) is False


async def test_a_read_survives_its_postgresql_connection_being_dropped(
    roost: Roost, make_user: MakeUser
) -> None:
    db = roost.db
    if db.is_sqlite:
        pytest.skip("PostgreSQL's kept read connections; SQLite has no server to drop them")
    a = await make_user("ann")
    read = sa.select(accounts.c.username).where(any_of(accounts.c.id, "ids"))
    assert await db.scalars(read, {"ids": [a.id]}) == ["ann"]
    pg_reads = db.connections.pg_reads
    assert pg_reads is not None
    assert pg_reads._idle  # the read's connection was kept for the next one
    async with db.transaction() as tx:  # from another connection: end every other one
        await tx.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    assert await db.scalars(read, {"ids": [a.id]}) == ["ann"]
    assert await db.scalars(read, {"ids": [a.id]}) == ["ann"]
