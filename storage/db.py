"""Engine, sessions and migrations.

SQLite (a file, nothing to set up) by default; any SQLAlchemy URL via ``DATABASE_URL``.
PostgreSQL URLs are pointed at psycopg 3 whatever driver name they carry, because hosting
platforms hand out ``postgres://`` URLs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from storage import inbox
from storage.locks import writer_turn

MIGRATIONS = Path(__file__).parent / "migrations"
# A pooled PostgreSQL connection is checked before use once it has sat unused this long: one that served
# a moment ago is alive. SQLAlchemy's pool_pre_ping checks at every checkout, a round trip per
# transaction (about ten for each ✅).
PING_AFTER_IDLE_SECONDS = 10.0


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL (``postgres://`` and ``postgresql://`` alike)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine tuned for its backend: SQLite in WAL mode with a busy timeout, PostgreSQL pooled."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """A connection idle for a while may have been closed by the server, a proxy or a restart. It is
    pinged (the dialect's own ping, as pool_pre_ping does) at checkout; raising DisconnectionError there
    makes the pool replace it with a fresh one before anyone uses it."""

    @event.listens_for(engine, "checkin")
    def rested(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_rested(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - whatever broke it, the pool replaces it
            raise exc.DisconnectionError() from error


def inbox_engine(engine: Engine) -> Engine:
    """The engine for :mod:`storage.inbox` beside the main database ``engine``.

    SQLite: a file next to the main one, because SQLite has one writer per file and an ack must never
    wait for a transaction the workers are running. PostgreSQL: the main database in autocommit, so
    keeping a request costs one round trip.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        beside = f"{url.database}-inbox" if url.database not in (None, "", ":memory:") else None
        return make_engine(url.set(database=beside).render_as_string(hide_password=False))
    autocommit = create_engine(url, pool_size=10, max_overflow=20, isolation_level="AUTOCOMMIT")
    event.listen(autocommit, "connect", _asynchronous_commit)
    _ping_after_idle(autocommit)
    return autocommit


def _asynchronous_commit(dbapi_connection, _record) -> None:
    """A request is in PostgreSQL's memory once the INSERT returns; waiting for its disk flush as well
    would add a flush to every ack and guard only against PostgreSQL itself crashing in that instant."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    dbapi_connection.commit()  # the driver opened a transaction for the SET; autocommit begins after it


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception.

    On SQLite, transactions in this process take turns on a lock: SQLite allows one writer, and
    its own busy handler backs off in sleeps of up to 100 ms, which under load costs far more
    than waiting in line for the few milliseconds a transaction here takes.
    """
    with writer_turn(engine), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, and make sure the inbox exists (safe at every start)."""
    command.upgrade(alembic_config(engine), "head")
    engine_for_inbox = inbox_engine(engine)
    inbox.create(engine_for_inbox)
    engine_for_inbox.dispose()
