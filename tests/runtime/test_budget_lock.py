"""Two costs recorded at once are added up in turn: the second waits for the first's transaction to end before
it reads the plan, so a threshold they pass together is told once (the row lock on PostgreSQL; on SQLite the
process's writers take turns anyway)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from storage import budget as stored
from storage.db import session_scope
from storage.models import Release, ReleaseBudget

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)


def test_a_second_spend_reads_the_plan_only_after_the_first_is_saved(database):
    engine, _ = database
    with session_scope(engine) as session:
        release = Release(team_id="T1", title="Midnight Drive", release_date=date(2027, 3, 12), playbook="single",
                          created_by="UPM", timezone="Europe/Berlin")  # fmt: skip
        session.add(release)
        session.flush()
        release_id = release.id
        session.add(ReleaseBudget(team_id="T1", release_id=release_id, amount_minor=100_000, currency="EUR",
                                  set_by="UPM", set_at=NOW))  # fmt: skip
    first_holds, first_may_go = threading.Event(), threading.Event()
    seen_by_second: list[object] = []

    def first() -> None:
        with session_scope(engine) as session:
            plan = stored.plan_of(session=session, release_id=release_id, for_update=True)
            plan.told_90_at = NOW
            session.flush()
            first_holds.set()
            first_may_go.wait(10)

    def second() -> None:
        with session_scope(engine) as session:
            seen_by_second.append(stored.plan_of(session=session, release_id=release_id, for_update=True).told_90_at)

    one = threading.Thread(target=first)
    one.start()
    assert first_holds.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive() and not seen_by_second, "the second waits while the first holds the plan"
    first_may_go.set()
    one.join(10)
    two.join(10)
    assert seen_by_second == [NOW], "and then reads what the first saved"
