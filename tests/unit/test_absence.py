"""Who is away and who reads their reminders: on each person's own day, with the cover, else the PM."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.release.absence import Book
from storage.models import Absence, Person, Release

NOW = datetime(2027, 1, 16, 3, 0, tzinfo=UTC)  # Sat 03:00 in London, still Fri 22:00 in New York


def _book(*absences: Absence) -> Book:
    people = {
        "UMIKA": Person(team_id="T", user_id="UMIKA", name="Mika", tz="America/New_York"),
        "UDEE": Person(team_id="T", user_id="UDEE", name="Dee", tz="Europe/London"),
    }
    return Book(absences, people, "Europe/Berlin", NOW)


def _away(user: str, cover: str | None = None, start=date(2027, 1, 11), end=date(2027, 1, 15)) -> Absence:
    return Absence(team_id="T", user_id=user, starts_on=start, ends_on=end, cover_id=cover, set_by=user, set_at=NOW)


RELEASE = Release(team_id="T", title="Midnight Drive", release_date=date(2027, 3, 12), pm_id="UPM", created_by="UPM",
                  timezone="Europe/Berlin")  # fmt: skip


def test_an_absence_holds_to_the_end_of_the_last_day_in_the_persons_own_timezone():
    book = _book(_away("UMIKA"), _away("UDEE"))
    assert book.on("UMIKA") is not None, "still Friday in New York"
    assert book.on("UDEE") is None, "already Saturday in London"
    assert set(book.away_now()) == {"UMIKA"}


def test_the_reader_is_the_cover_else_the_pm_and_never_someone_away_too():
    assert _book(_away("UMIKA", cover="UDEE")).reader("UMIKA", RELEASE)[0] == "UDEE"
    assert _book(_away("UMIKA")).reader("UMIKA", RELEASE)[0] == "UPM"
    both = _book(_away("UMIKA", cover="UPM"), _away("UPM", end=date(2027, 1, 20)))
    assert both.reader("UMIKA", RELEASE) == ("UMIKA", None), "with everyone else away it waits for them"
    reader, away = _book(_away("UMIKA", cover="UDEE")).reader("UMIKA", RELEASE)
    assert away.name == "Mika" and away.until == date(2027, 1, 15) and away.cover_name == "Dee"
    assert _book().reader("UMIKA", RELEASE) == ("UMIKA", None)
