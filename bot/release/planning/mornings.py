"""Each owner's morning DM: late, due today, coming up and later this week, worded in their language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import partial

from bot.release.calendar import (
    Calendar,
    LadderRules,
    local,
    local_today,
    office_hours,
)
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted, away, end_of_day
from messages import builders
from messages.facts import DigestItem, Standing
from storage import queries
from storage.models import Deliverable, DeliverableState, Release

DIGEST_HORIZON_DAYS = 7

# The morning DM goes out in the morning; what becomes someone's later waits for the next morning's, unless
# it is due by the next working day.
MORNING_DM_UNTIL = time(12)


def digests(team: Team, bundles: list[queries.ReleaseBundle], troubles: Troubles, *, now: datetime) -> list[Wanted]:
    """Each owner's morning DM: their deliverables due within a week (or within the heads-up) or late, across
    releases, but none they are blocked on; their heads-up and due-today go in it, not in DMs of their own."""
    per_owner: dict[str, list] = defaultdict(list)
    for bundle in bundles:
        for d in bundle.live:
            if d.state == DeliverableState.OPEN and d.owner_id and d.id not in bundle.open_blockers:  # not chased
                per_owner[d.owner_id].append((d, bundle.release))
    wanted = []
    for owner, items in per_owner.items():
        about = Subject("digest", tuple({r.id: r for _, r in items}.values()), user_id=owner)
        with troubles.isolated(about):
            for reader, share in readers(team, owner, items).items():
                wanted.extend(digest_wanted(team, owner, share, about, now=now, reader=reader))
    return wanted


def readers(team: Team, owner: str, items: list) -> dict[str, list]:
    """Who reads the owner's morning DM: they themselves, or while they are away whoever covers (each release's
    PM without a cover, so the items may part ways)."""
    readers: dict[str, list] = defaultdict(list)
    for d, r in items:
        readers[team.reader(owner, r)[0]].append((d, r))
    return readers


def digest_wanted(team: Team, owner: str, items: list, about: Subject, *, now: datetime, reader: str) -> list[Wanted]:
    """``reader``: the owner, or who covers for them while they are away (in the reader's morning)."""
    tz = team.tz_of(reader, team.workspace.timezone)
    if not office_hours(now, tz, team.calendar):
        return []
    today = local_today(now, tz)
    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    heads_up = LadderRules().heads_up_workdays
    due = sorted(
        (
            (d, r)
            for d, r in items
            if (d.due_date <= horizon or team.calendar.workdays_before(d.due_date, heads_up) <= today)
            and not (d.snoozed_until and today < d.snoozed_until)  # snoozed: no heads-up nor due-today either
        ),
        key=lambda pair: (pair[0].due_date, pair[1].release_date),
    )
    if not due or not morning_or_pressing(team, due, now=now, tz=tz, today=today):
        return []
    key = f"digest:{owner}:{today.isoformat()}" + (f":for:{reader}" if reader != owner else "")
    return [Wanted(key, partial(digest, team, key, owner, reader, due, today, end_of_day(today, tz)), about)]


def standing(calendar: Calendar, d: Deliverable, r: Release, *, today: date) -> DigestItem:
    """Where an item stands on its owner's ``today``, in working days: late by, due today, or due in."""
    if d.due_date < today:
        return DigestItem(d, r, Standing.LATE, calendar.workdays_between(d.due_date, today))
    if d.due_date == today:
        return DigestItem(d, r, Standing.TODAY, 0)
    soon = calendar.workdays_before(d.due_date, LadderRules().heads_up_workdays) <= today
    standing = Standing.COMING_UP if soon else Standing.LATER
    return DigestItem(d, r, standing, calendar.workdays_between(today, d.due_date))


def morning_or_pressing(team: Team, due: list, *, now: datetime, tz: str, today: date) -> bool:
    if local(now, tz).time() < MORNING_DM_UNTIL:
        return True
    next_workday = team.calendar.first_workday_after(today)
    return any(d.due_date <= next_workday for d, _ in due)


def digest(team: Team, key: str, owner: str, reader: str, due: list, today: date, expires: datetime) -> Planned:
    items = [standing(team.calendar, d, r, today=today) for d, r in due]
    covering = away(team, owner) if reader != owner else None
    message = builders.digest(items, lang=team.lang_of(reader), covering=covering)
    return Planned(team.workspace.team_id, key, "digest", reader, message, expires)
