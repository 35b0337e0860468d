"""Mutual exclusion: for work that must not run twice at once (syncing one release's checklist, creating
a release that a double click asks for twice), and for SQLite's single writer.

Within a process a threading lock; across processes on PostgreSQL an advisory lock as well.
SQLite deployments are one process, so the threading lock is enough there.
"""

from __future__ import annotations

import threading
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

_local_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_guard = threading.Lock()
# Keeps our advisory lock ids apart from any other application's on the same database.
NAMESPACE = 0x52424F54  # "RBOT"


@contextmanager
def exclusive(engine: Engine, name: str, number: int) -> Iterator[None]:
    with _guard:
        local = _local_locks[f"{name}:{number}"]
    with local:
        if engine.dialect.name != "postgresql":
            yield
            return
        keys = {"space": _int32(zlib.crc32(name.encode()) ^ NAMESPACE), "number": _int32(number)}
        # A session lock, held outside any transaction: two round trips, no BEGIN or COMMIT around them.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:space, :number)"), keys)
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:space, :number)"), keys)


def until_commit(session: Session, name: str, number: int) -> None:
    """Hold ``name:number`` for the rest of ``session``'s transaction: concurrent transactions that ask for
    it run one after another (PostgreSQL's transaction advisory lock; SQLite transactions already take turns)."""
    if session.get_bind().dialect.name == "postgresql":
        keys = {"space": _int32(zlib.crc32(name.encode()) ^ NAMESPACE), "number": _int32(number)}
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :number)"), keys)


def _int32(value: int) -> int:
    """PostgreSQL's two-key advisory locks take signed 32-bit integers."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


_turns: dict[int, threading.RLock] = {}


def writer_turn(engine: Engine):
    """On SQLite, this process's turn at writing to ``engine``'s file (see :func:`session_scope`)."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    return _turns.setdefault(id(engine), threading.RLock())
