"""The artist's brief as pure functions: which day it is drafted, and which facts it may hold (names and dates
of deliverables; never owners, lateness, blockers or money)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

from bot.release.artist.brief import BriefFacts, artist_scope, brief_day, channel_of, facts, release_scope
from bot.release.calendar import Calendar
from messages.brief import draft
from storage.models import Blocker, Deliverable, Release
from storage.queries import ReleaseBundle

DE = Calendar(holiday_country="DE")
FRIDAY = date(2027, 1, 8)
RELEASE = Release(id=1, team_id="T", title="Midnight Drive", artist="Nova Lane", release_date=date(2027, 3, 12),
                  playbook="single", pm_id="UPM", created_by="UPM", timezone="Europe/Berlin")  # fmt: skip


def _item(number: int, name: str, due: date, **kw) -> Deliverable:
    return Deliverable(id=number, team_id="T", release_id=1, key=f"k{number}", name=name, due_date=due,
                       position=number, **kw)  # fmt: skip


def test_the_brief_comes_on_the_weeks_last_working_day_from_standup_time():
    due = dict(timezone="Europe/Berlin", standup_at=time(9, 30), calendar=DE)
    assert brief_day(now=datetime(2027, 1, 8, 8, 29, tzinfo=UTC), **due) is None
    assert brief_day(now=datetime(2027, 1, 8, 8, 30, tzinfo=UTC), **due) == FRIDAY
    assert brief_day(now=datetime(2027, 1, 7, 9, 0, tzinfo=UTC), **due) is None, "Thursday is not the last"
    assert brief_day(now=datetime(2027, 3, 26, 9, 0, tzinfo=UTC), **due) is None, "Good Friday"
    assert brief_day(now=datetime(2027, 3, 25, 9, 0, tzinfo=UTC), **due) == date(2027, 3, 25)
    weekend = Calendar(workdays=frozenset())
    assert (
        brief_day(now=datetime(2027, 1, 8, 9, 0, tzinfo=UTC), timezone="UTC", standup_at=time(9), calendar=weekend)
        is None
    )


def test_the_facts_are_names_and_dates_only_and_late_work_is_left_out():
    assert {f.name for f in dataclasses.fields(BriefFacts)} == {
        "title", "artist", "release_date", "done", "next_up", "from_you", "hard_dates"}  # fmt: skip
    items = [
        _item(1, "Final master audio", date(2027, 1, 29), state="done", done_at=datetime(2027, 1, 6, 10, tzinfo=UTC)),
        _item(2, "Old mix", date(2027, 1, 29), state="done", done_at=datetime(2027, 1, 1, 10, tzinfo=UTC)),
        _item(3, "Cover artwork", date(2027, 1, 4), owner_id="UDEE"),
        _item(4, "Metadata", date(2027, 1, 14), owner_id="UDEE"),
        _item(5, "Artist sign-off", date(2027, 2, 19), team="artist"),
        _item(6, "Lyrics approval", date(2027, 1, 5), team="artist"),
        _item(7, "Delivery to the distributor", date(2027, 2, 12), hard=True),
        _item(8, "Removed thing", date(2027, 1, 12), state="removed"),
    ]
    blocker = Blocker(id=1, team_id="T", deliverable_id=4, reason="waiting on the photographer", raised_by="UPM")
    found = facts(ReleaseBundle(RELEASE, items, open_blockers={4: blocker}), today=FRIDAY)
    assert found.done == ["Final master audio"], "this week's only"
    assert found.next_up == [("Metadata", date(2027, 1, 14))], "nothing late, nothing removed, no reason"
    assert found.from_you == [("Lyrics approval", None), ("Artist sign-off", date(2027, 2, 19))]
    assert found.hard_dates == [("Delivery to the distributor", date(2027, 2, 12))]
    text = draft(found, lang="en")
    for internal in ("Cover artwork", "UDEE", "photographer", "late", "Old mix", "Removed"):
        assert internal not in text
    assert "• Lyrics approval — as soon as you can" in text


def test_a_releases_own_channel_wins_over_its_artists():
    by_artist = {artist_scope("  nova   LANE "): "CART"}
    assert channel_of(RELEASE, by_artist) == "CART"
    assert channel_of(RELEASE, {**by_artist, release_scope(RELEASE): "COWN"}) == "COWN"
    assert channel_of(RELEASE, {}) is None
