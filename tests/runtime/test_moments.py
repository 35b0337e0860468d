"""Moments are stored as the instant they are, whatever timezone they were given in: SQLite keeps a
datetime's digits and drops its offset, so ``--now 2027-03-01T09:30:00+01:00`` once came back an hour off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlmodel import select

from bot.release.outcome import utc
from storage.db import session_scope
from storage.models import Activity

BERLIN_WINTER = timezone(timedelta(hours=1))


def test_a_moment_given_in_another_timezone_reads_back_as_the_same_instant(database):
    engine, _ = database
    given = datetime(2027, 3, 1, 9, 30, tzinfo=BERLIN_WINTER)
    with session_scope(engine) as session:
        session.add(Activity(team_id="T1", actor_id="U1", action="done", at=given, detail={}))
    with session_scope(engine) as session:
        stored = session.exec(select(Activity)).one().at
        later = session.exec(select(Activity).where(Activity.at > datetime(2027, 3, 1, 8, 45, tzinfo=UTC))).all()
    assert stored == given and stored.utcoffset() == timedelta(0)
    assert later == [], "08:30 UTC is before 08:45 UTC, in the database's comparisons too"


def test_utc_converts_an_aware_moment_and_takes_a_naive_one_as_utc():
    converted = utc(datetime(2027, 3, 1, 9, 30, tzinfo=BERLIN_WINTER))
    assert converted.tzinfo is UTC and (converted.hour, converted.minute) == (8, 30)
    assert utc(datetime(2027, 3, 1, 9, 30)).tzinfo is UTC
