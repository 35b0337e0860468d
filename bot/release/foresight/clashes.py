"""Clashes and overload, warned about (never refused) when a release is created or moved and when work is
handed to someone.

A clash: another active release of the label on the same day or in the same ISO week, with what it shares with
this one (the PM, the artist, people: its team and the owners of its open work). Overload: in a week in which
this release has open work due, one of its people (PM, team, owners of its open work) has more than the label's
``weekly_load_limit`` due across releases, or exactly the limit while some of this release's work that week has
no owner yet (at ``new`` none has, so a person already at the limit is named: any of it would put them over).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.release.calendar import week_start
from storage import clashes as stored
from storage import queries
from storage.models import Deliverable, DeliverableState, Release


@dataclass(frozen=True)
class Clash:
    other: Release
    same_day: bool
    same_pm: bool
    same_artist: bool
    shared: tuple[str, ...]  # user ids on both releases, beyond a shared PM


@dataclass(frozen=True)
class Overload:
    user_id: str
    monday: date
    count: int
    limit: int
    over: bool  # above the limit already; otherwise at it, with unowned work of this release that week


@dataclass(frozen=True)
class Warnings:
    day: date
    clashes: tuple[Clash, ...]
    overloads: tuple[Overload, ...]
    limit: int

    def __bool__(self) -> bool:
        return bool(self.clashes or self.overloads)


def people_of(release: Release, owners: Iterable[str | None]) -> set[str]:
    return {u for u in (release.pm_id, *release.team_members, *owners) if u}


def clashes_with(session: Session, release: Release, own_people: set[str]) -> tuple[Clash, ...]:
    """The other active releases in ``release``'s ISO week (same day first): two queries."""
    week = stored.active_in_weeks(session=session, team_id=release.team_id, mondays=[week_start(release.release_date)])
    near = [r for r in week if r.id != release.id]
    owners = stored.open_owners(session=session, release_ids=[r.id for r in near])
    artist = (release.artist or "").casefold()
    found = []
    for r in near:
        same_pm = bool(release.pm_id) and r.pm_id == release.pm_id
        theirs = people_of(r, owners.get(r.id, ()))
        shared = tuple(sorted((theirs & own_people) - ({release.pm_id} if same_pm else set())))
        same_artist = bool(artist) and (r.artist or "").casefold() == artist
        found.append(Clash(r, r.release_date == release.release_date, same_pm, same_artist, shared))
    return tuple(sorted(found, key=lambda c: (not c.same_day, c.other.release_date, c.other.id)))


def overloads(
    session: Session, release: Release, live: Sequence[Deliverable], *, people: set[str], today: date, limit: int
) -> tuple[Overload, ...]:
    """``people``'s weeks over (or, with unowned work of this release due, at) ``limit``, in the weeks from
    ``today``'s on in which ``release`` has open work due: one query."""
    open_items = [d for d in live if d.state == DeliverableState.OPEN and d.due_date >= week_start(today)]
    weeks = {week_start(d.due_date) for d in open_items}
    if not weeks or not people:
        return ()
    unowned = {week_start(d.due_date) for d in open_items if d.owner_id is None}
    rows = stored.due_per_day(session=session, team_id=release.team_id, owners=people, start=min(weeks),
                              end=max(weeks) + timedelta(days=7))  # fmt: skip
    counts: Counter[tuple[str, date]] = Counter()
    for owner, day, n in rows:
        counts[owner, week_start(day)] += n
    found = [
        Overload(owner, monday, n, limit, n > limit)
        for (owner, monday), n in counts.items()
        if monday in weeks and (n > limit or (n == limit and monday in unowned))
    ]
    return tuple(sorted(found, key=lambda o: (o.monday, o.user_id)))


def check(session: Session, release: Release, live: Sequence[Deliverable], *, today: date) -> Warnings:
    """What ``release`` clashes with and who its dates overload, as the session holds it now (after a creation
    or a move): four queries, the label's limit among them, whatever its size."""
    limit = queries.get_or_create_workspace(session=session, team_id=release.team_id).weekly_load_limit
    session.flush()
    people = people_of(release, (d.owner_id for d in live if d.state == DeliverableState.OPEN))
    found = clashes_with(session, release, people)
    loads = overloads(session, release, live, people=people, today=today, limit=limit)
    return Warnings(release.release_date, found, loads, limit)


def handed(session: Session, d: Deliverable, *, release: Release) -> Overload | None:
    """After ``d`` went to its owner: their week of ``d`` when it is now over the limit."""
    limit = queries.get_or_create_workspace(session=session, team_id=release.team_id).weekly_load_limit
    session.flush()
    monday = week_start(d.due_date)
    rows = stored.due_per_day(session=session, team_id=release.team_id, owners=[d.owner_id], start=monday,
                              end=monday + timedelta(days=7))  # fmt: skip
    count = sum(n for _, _, n in rows)
    return Overload(d.owner_id, monday, count, limit, True) if count > limit else None


def portfolio_marks(session: Session, team_id: str, shown: Sequence[Release]) -> dict[int, tuple[str, ...]]:
    """For each shown release that clashes, the titles of the other active ones in its ISO week: one query over
    the shown releases' weeks only."""
    by_week: dict[date, list[tuple[int, str]]] = {}
    rows = stored.titles_in_weeks(session=session, team_id=team_id, mondays={week_start(r.release_date) for r in shown})
    for release_id, title, day in rows:
        by_week.setdefault(week_start(day), []).append((release_id, title))
    marks = {r.id: tuple(t for i, t in by_week.get(week_start(r.release_date), ()) if i != r.id) for r in shown}
    return {release_id: titles for release_id, titles in marks.items() if titles}
