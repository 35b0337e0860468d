"""A named lease (one release's checklist, its set-up) has one holder at a time across processes, on SQLite as
on PostgreSQL; one whose holder stopped renewing it (it died) is taken over once it runs out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage import leases, locks
from storage.db import session_scope
from storage.models import ExclusiveLease

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _take(engine, holder: str, *, at: datetime) -> bool:
    with engine.begin() as connection:
        until = at + locks.LEASE
        return leases.take_named(connection, name="checklist", number=7, holder=holder, now=at, until=until)


def test_a_live_lease_keeps_others_out_and_one_run_out_is_taken_over(database):
    engine, _url = database
    assert _take(engine, "first", at=NOW)
    assert not _take(engine, "second", at=NOW + timedelta(seconds=1)), "the first holds it"
    assert _take(engine, "second", at=NOW + locks.LEASE + timedelta(seconds=2)), "the first stopped renewing"
    with engine.begin() as connection:
        assert not leases.renew_named(connection, name="checklist", number=7, holder="first", until=NOW)
        leases.end_named(connection, name="checklist", number=7, holder="first")  # not theirs: nothing changes
        assert leases.renew_named(connection, name="checklist", number=7, holder="second", until=NOW)
        leases.end_named(connection, name="checklist", number=7, holder="second")
    with session_scope(engine) as session:
        assert session.exec(select(ExclusiveLease)).all() == []


def test_exclusive_waits_for_another_process_holder_and_gives_the_lease_back(database):
    engine, _url = database
    soon = datetime.now(UTC) + timedelta(milliseconds=300)
    with engine.begin() as connection:  # another process's holder, whose lease runs out in a moment
        connection.execute(ExclusiveLease.__table__.insert().values(name="setup", number=3, holder="gone", until=soon))
    entered = threading.Event()

    def work():
        with locks.exclusive(engine, "setup", 3) as holding:
            holding.check()
            entered.set()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    assert entered.is_set() and datetime.now(UTC) >= soon, "it waited for the other holder's lease to run out"
    with session_scope(engine) as session:
        assert session.exec(select(ExclusiveLease)).all() == [], "given back when the work ended"
