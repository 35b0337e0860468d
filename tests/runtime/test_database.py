"""PostgreSQL connections the server closed while they sat in the pool are replaced before anyone uses
them: a restart or an idle timeout between two bursts costs no request."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, exc, text

from storage import db
from tests.support.databases import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only (TEST_DATABASE_URL)")


def backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(pid: int) -> None:
    killer = create_engine(db.normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.fixture(params=["main", "inbox"])
def engine(request):
    main = db.make_engine(POSTGRES_URL)
    engine = main if request.param == "main" else db.inbox_engine(main)
    yield engine
    engine.dispose()
    main.dispose()


def test_a_connection_closed_while_idle_is_replaced_at_checkout(engine, monkeypatch):
    first = backend_pid(engine)
    terminate(first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has rested long enough
    assert backend_pid(engine) != first


def test_a_connection_used_a_moment_ago_is_not_pinged_again(engine):
    """The check costs a round trip, so a busy pool skips it: a connection killed just now fails once
    (and the pool then replaces it), which is what shows no ping ran."""
    first = backend_pid(engine)
    terminate(first)
    with pytest.raises(exc.OperationalError):
        backend_pid(engine)
    assert backend_pid(engine) != first


def test_a_thread_keeps_requests_on_one_connection_and_a_closed_one_costs_no_request(database):
    from datetime import UTC, datetime

    from storage import inbox as stored

    engine = db.inbox_engine(database[0])
    now = datetime.now(UTC)

    def keep(key: str) -> int | None:
        return stored.put(engine, key=key, kind="command", body={}, now=now, lease_until=now)

    assert keep("one") and keep("two")
    assert engine.pool.checkedout() == 1, "held from one request to the next, not checked out for each"
    keeping = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'INSERT INTO inbox%'"
    with engine.connect() as connection:
        held = list(connection.execute(text(keeping)).scalars())  # ours, and any an earlier test's threads left
    assert held
    for pid in held:
        terminate(pid)
    assert keep("three"), "the closed connection is replaced and the request kept"
    assert keep("three") is None, "and kept once"
    assert stored.waiting(engine) == 3
    engine.dispose()
