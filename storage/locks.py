"""Mutual exclusion: for work that must not run twice at once (syncing one release's checklist, creating
a release that a double click asks for twice), and for SQLite's single writer.

Within a process a threading lock; across processes (``serve``'s web process and worker, and a
``releasebot tick`` from cron beside them, on SQLite as on PostgreSQL) a lease row in ``exclusive_lease``,
renewed while the work runs, so that one whose holder died is free again within :data:`LEASE`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from storage import leases

log = logging.getLogger(__name__)

_local_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_guard = threading.Lock()
# Keeps our advisory lock ids apart from any other application's on the same database.
NAMESPACE = 0x52424F54  # "RBOT"
# How long a holder that stopped renewing (it died) keeps everyone else out; renewed four times as often.
LEASE = timedelta(seconds=20)
# What another process's clock may be ahead of ours: a holder stops this long before its lease runs out.
CLOCK_SKEW = timedelta(seconds=2)
# Waiting for a lease someone else holds: polls from the first interval, doubling up to the second.
POLL_SECONDS = (0.05, 0.5)


class LeaseLost(RuntimeError):
    """The lease could not be renewed in time, so another process may hold it now: the work stops."""


class Holding:
    """A lease on ``name:number`` this process holds; :meth:`check` before each step that must not be doubled."""

    def __init__(self, engine: Engine, name: str, number: int):
        self._engine, self.name, self.number = engine, name, number
        self._holder = uuid.uuid4().hex
        self._valid_until = 0.0  # time.monotonic() after which the lease may have run out
        self._released = threading.Event()
        self._renewer = threading.Thread(target=self._renew, name=f"lease-{name}-{number}", daemon=True)

    def check(self) -> None:
        if time.monotonic() >= self._valid_until:
            raise LeaseLost(f"{self.name}:{self.number}")

    def acquire(self) -> None:
        wait, longest = POLL_SECONDS
        while not self._extend(leases.take_named, now=datetime.now(UTC)):
            time.sleep(wait)
            wait = min(wait * 2, longest)
        self._renewer.start()

    def release(self) -> None:
        self._released.set()
        self._renewer.join()
        try:
            with writer_turn(self._engine), self._engine.begin() as connection:
                leases.end_named(connection, name=self.name, number=self.number, holder=self._holder)
        except SQLAlchemyError:
            log.warning("lease %s:%s not given back; it runs out by itself", self.name, self.number, exc_info=True)

    def _extend(self, how, **extra) -> bool:
        started = time.monotonic()
        until = datetime.now(UTC) + LEASE
        with writer_turn(self._engine), self._engine.begin() as connection:
            held = how(connection, name=self.name, number=self.number, holder=self._holder, until=until, **extra)
        if held:
            self._valid_until = started + (LEASE - CLOCK_SKEW).total_seconds()
        return held

    def _renew(self) -> None:
        while not self._released.wait((LEASE / 4).total_seconds()):
            try:
                if not self._extend(leases.renew_named):
                    return  # taken over: check() fails once the last renewal's time is up
            except SQLAlchemyError:
                log.warning("lease %s:%s not renewed", self.name, self.number, exc_info=True)


@contextmanager
def exclusive(engine: Engine, name: str, number: int) -> Iterator[Holding]:
    """Run the block as the only holder of ``name:number`` anywhere, waiting for whoever holds it now."""
    with _guard:
        local = _local_locks[f"{name}:{number}"]
    with local:
        holding = Holding(engine, name, number)
        holding.acquire()
        try:
            yield holding
        finally:
            holding.release()


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
