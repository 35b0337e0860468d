"""Calendar feeds as iCalendar (RFC 5545), built with the ``icalendar`` library: each release day and each
deliverable's due date an all-day event whose UID stays the same however often the feed is read, so a
calendar app updates an event (a moved date) instead of adding another. Summaries are worded in
templates/<lang>/feeds.j2; they are plain text, which icalendar escapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from messages.render import words
from storage.models import Deliverable, Release

PRODID = "-//Releasebot//Release calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def uid(kind: str, what: str, row_id: int, team_id: str) -> str:
    """``release-12@T0LABEL.releasebot``: the row it shows, in the workspace it belongs to."""
    return f"{what}-{row_id}@{team_id}.{kind}.releasebot"


def feed(
    kind: str,
    *,
    releases: Sequence[Release],
    deliverables: Sequence[tuple[Deliverable, Release]],
    team_id: str,
    now: datetime,
    lang: str = "en",
) -> bytes:
    w = words("feeds", lang)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", str(w.calendar_name(kind)))
    calendar.add("x-published-ttl", "PT1H")
    for release in releases:
        changed = release.updated_at or release.created_at or now
        calendar.add_component(
            _day(
                uid(kind, "release", release.id, team_id),
                release.release_date,
                str(w.release_summary(release)),
                str(w.release_description(release)),
                changed,
            )  # fmt: skip
        )
    for d, release in deliverables:
        changed = d.updated_at or release.created_at or now
        calendar.add_component(
            _day(
                uid(kind, "deliverable", d.id, team_id),
                d.due_date,
                str(w.deliverable_summary(d, release)),
                str(w.deliverable_description(d, release)),
                changed,
            )  # fmt: skip
        )
    return calendar.to_ical()


def _day(event_uid: str, day, summary: str, description: str, changed: datetime) -> Event:
    event = Event()
    event.add("uid", event_uid)
    event.add("dtstamp", changed)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a deadline is no meeting: the day stays free
    return event
