"""PostgreSQL connections the server closed while they sat in the pool are replaced before anyone uses
them: a restart or an idle timeout between two bursts costs no request."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, exc, text

from storage import db
from tests.conftest import POSTGRES_URL

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
