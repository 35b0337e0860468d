"""The inbox: every command and event Slack sends is written here before it is acknowledged, and removed
once its work is committed, so an acknowledged request survives a crash or a restart.

It is a queue, not release data, so it keeps to itself: its own table, created by
:func:`storage.db.migrate` rather than by the release data's migrations, on its own engine
(:func:`storage.db.inbox_engine`: a file beside the main one on SQLite, the main database in
autocommit on PostgreSQL).
"""

from __future__ import annotations

import functools
import json
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import func

from storage import leases
from storage.locks import writer_turn

metadata = MetaData()

inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True),
    # Slack's event_id, or a command's own signature (bot/runtime/admission.py): a retry or a replay is refused here.
    Column("key", String(128), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # Until then the process that accepted (or resumed) the request is working on it; after it, anyone may.
    Column("leased_until", DateTime(timezone=True), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    # Which process holds the lease (none while it is free): only the holder renews it.
    Column("holder", String(64)),
)


@dataclass(frozen=True)
class Item:
    id: int
    key: str
    kind: str
    body: dict
    received_at: datetime
    attempts: int


def create(engine: Engine) -> None:
    """Create the table, or give one an older version created the (nullable) columns it lacks."""
    metadata.create_all(engine, checkfirst=True)
    present = {column["name"] for column in inspect(engine).get_columns(inbox.name)}
    with writer_turn(engine), engine.begin() as connection:
        for column in inbox.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(text(f'ALTER TABLE {inbox.name} ADD COLUMN "{column.name}" {kind}'))


def put(
    engine: Engine, *, key: str, kind: str, body: dict, now: datetime, lease_until: datetime, holder: str | None = None
) -> int | None:
    """Keep a request (leased to ``holder`` until ``lease_until``); its id, or None when the key is already
    here (Slack retrying what we hold).

    It runs before every ack, so it goes to the driver directly, past SQLAlchemy's per-statement work (its
    transaction, result and connection reset), on a connection each thread holds (:class:`_Held`). The SQL
    is SQLAlchemy's.
    """
    values = {"key": key, "kind": kind, "body": json.dumps(body), "received_at": now, "leased_until": lease_until,
              "attempts": 0, "holder": holder}  # fmt: skip
    with writer_turn(engine):
        return _insert(engine, values)


class _Held(threading.local):
    """Each thread's connection for keeping requests, per engine, held checked out from one request to the
    next: the pool's checkout and checkin (its events, reset and queue) were a quarter of an ack's work."""

    def __init__(self) -> None:
        self.connections: weakref.WeakKeyDictionary[Engine, PoolProxiedConnection] = weakref.WeakKeyDictionary()


_held = _Held()


def _insert(engine: Engine, values: dict) -> int | None:
    """Run the INSERT on this thread's held connection. Any error replaces the connection; one the server
    closed meanwhile (a restart, an idle timeout) is tried once more on the new one, which is safe: a key
    already kept comes back as None."""
    sql, encode = _put(engine.dialect.name)
    row = {name: encode(value) if isinstance(value, datetime) else value for name, value in values.items()}
    for last_try in (False, True):
        connection = _held.connections.get(engine)
        if connection is None:
            connection = _held.connections[engine] = engine.raw_connection()
        try:
            return _execute(connection, sql, row)
        except engine.dialect.loaded_dbapi.Error as error:
            closed = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
            del _held.connections[engine]
            connection.invalidate()  # closed; the pool opens another when asked
            if last_try or not closed:
                raise


def _execute(connection: PoolProxiedConnection, sql: str, row: dict) -> int | None:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, row)
        kept = cursor.fetchone()
    finally:
        cursor.close()
    connection.commit()  # SQLite's; on PostgreSQL the inbox's connections are in autocommit
    return None if kept is None else kept[0]


@functools.cache
def _put(dialect_name: str) -> tuple[str, Callable[[datetime], object]]:
    """The INSERT with named placeholders in the driver's style, and how SQLAlchemy hands the driver a
    datetime (SQLite stores a string; psycopg takes the datetime as it is)."""
    module, dialect = (
        (postgresql, postgresql.psycopg.dialect())
        if dialect_name == "postgresql"
        else (sqlite, sqlite.dialect(paramstyle="named"))
    )
    stored_datetime = inbox.c.received_at.type.dialect_impl(dialect).bind_processor(dialect)
    return str(_statement(module).compile(dialect=dialect)), stored_datetime or (lambda value: value)


_PUT_COLUMNS = ("key", "kind", "body", "received_at", "leased_until", "attempts", "holder")


def _statement(module):
    """``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id`` in ``module``'s dialect."""
    return (
        module.insert(inbox)
        .values({name: bindparam(name) for name in _PUT_COLUMNS})
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(inbox.c.id)
    )


def take_expired(
    engine: Engine, *, now: datetime, lease_until: datetime, holder: str | None = None, limit: int | None = None
) -> list[Item]:
    """Lease to ``holder`` the oldest ``limit`` (or all) requests nobody is working on any more (its process
    died, or its last attempt failed); two processes resuming at once never take the same request."""
    statement = (
        leases.take(inbox, inbox.c.leased_until, due=true(), now=now, until=lease_until, limit=limit)
        .values(holder=holder)
        .returning(inbox.c.id, inbox.c.key, inbox.c.kind, inbox.c.body, inbox.c.received_at, inbox.c.attempts)
    )
    with writer_turn(engine), engine.begin() as connection:
        rows = connection.execute(statement).all()
    return sorted((_item(row) for row in rows), key=lambda item: item.id)


def renew(engine: Engine, item_ids: list[int], *, holder: str, until: datetime) -> set[int]:
    """Extend ``holder``'s leases on ``item_ids`` to ``until``; the ids it still held. A lease that ran out
    and was taken by another process stays theirs."""
    statement = (
        update(inbox)
        .where(inbox.c.id.in_(item_ids), inbox.c.holder == holder)
        .values(leased_until=until)
        .returning(inbox.c.id)
    )
    with writer_turn(engine), engine.begin() as connection:
        return set(connection.execute(statement).scalars())


def failed(engine: Engine, item_id: int, *, retry_at: datetime) -> None:
    with writer_turn(engine), engine.begin() as connection:
        connection.execute(
            update(inbox)
            .where(inbox.c.id == item_id)
            .values(attempts=inbox.c.attempts + 1, leased_until=retry_at, holder=None)
        )


def release(engine: Engine, item_ids: list[int], *, holder: str, now: datetime) -> None:
    """End ``holder``'s lease of requests it took but will not work on: anyone may take them from ``now``."""
    with writer_turn(engine), engine.begin() as connection:
        connection.execute(
            update(inbox)
            .where(inbox.c.id.in_(item_ids), inbox.c.holder == holder)
            .values(leased_until=now, holder=None)
        )


def lease_holders(engine: Engine) -> set[str]:
    """Every process named on a lease (one that ran out and nobody took since included)."""
    with engine.begin() as connection:
        return set(connection.execute(select(inbox.c.holder).where(inbox.c.holder.is_not(None)).distinct()).scalars())


def release_all_of(engine: Engine, holder: str, *, now: datetime) -> int:
    """End every lease ``holder`` has (a process that is gone): how many requests that freed."""
    with writer_turn(engine), engine.begin() as connection:
        freed = connection.execute(update(inbox).where(inbox.c.holder == holder).values(leased_until=now, holder=None))
        return freed.rowcount


def remove(engine: Engine, item_id: int) -> None:
    with writer_turn(engine), engine.begin() as connection:
        connection.execute(delete(inbox).where(inbox.c.id == item_id))


def waiting(engine: Engine) -> int:
    with engine.begin() as connection:
        return connection.execute(func.count(inbox.c.id).select()).scalar_one()


def _item(row) -> Item:
    received = row.received_at if row.received_at.tzinfo else row.received_at.replace(tzinfo=UTC)  # SQLite
    return Item(row.id, row.key, row.kind, json.loads(row.body), received, row.attempts)


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest_seconds: float  # 0 when nothing waits


def backlog(engine: Engine, *, now: datetime) -> Backlog:
    """How many requests wait for their work, and for how long the oldest has (one query)."""
    with engine.begin() as connection:
        waiting, oldest = connection.execute(select(func.count(inbox.c.id), func.min(inbox.c.received_at))).one()
    if oldest is None:
        return Backlog(waiting, 0.0)
    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)  # SQLite
    return Backlog(waiting, max(0.0, (now - oldest).total_seconds()))
