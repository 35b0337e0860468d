"""The weekly picture: the next eight weeks of a set of active releases (the label's, or one PM's), with
what shipped and what moved in the week before, clashing release weeks and people with too much due.

Pure functions of loaded values and the day; :func:`load` reads what they need in a fixed number of
queries whatever the label's size. The tick posts the picture on the workspace's first working day of each
week (:func:`picture_day`); ``/release report`` makes it on demand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.release.calendar import Calendar, local, week_start
from bot.release.health import working_days_late
from bot.release.outcome import utc
from messages.picture import WEEKS, Moved, Overload, PictureRow, WeekPicture
from storage import queries
from storage.models import Activity, DeliverableState

# The timeline draws the soonest releases; a taller image is no longer read at a glance.
MAX_ROWS = 40
LOOK_BACK = timedelta(days=7)
# The outbox kinds of the pictures the tick sends: the label's, and a PM's of her own releases.
LABEL_PICTURE = "weekly-label"
PM_PICTURE = "weekly-pm"


def picture_day(*, now: datetime, timezone: str, standup_at: time, calendar: Calendar) -> date | None:
    """The local day whose picture is due at ``now``: the week's first working day, from the standup time on."""
    here = local(now, timezone)
    monday = week_start(here.date())
    first = next((d for d in (monday + timedelta(days=n) for n in range(7)) if calendar.is_workday(d)), None)
    return here.date() if here.date() == first and here.time() >= standup_at else None


@dataclass
class LabelWeek:
    """What a workspace's pictures are made of: its active releases' bundles, the moves of the last week
    (newest last) and people's names."""

    bundles: list[queries.ReleaseBundle]
    moves: list[Activity]
    names: dict[str, str] = field(default_factory=dict)


def load(session: Session, *, team_id: str, now: datetime) -> LabelWeek:
    """A workspace's :class:`LabelWeek` in six queries, whatever the number of its releases."""
    releases = [r for r in queries.active_releases(session=session, team_id=team_id) if r.channel_id]
    bundles = queries.load_bundles(session=session, team_id=team_id, releases=releases, readonly=True)
    moves = queries.moves_since(session=session, team_id=team_id, since=now - LOOK_BACK)
    names = {p.user_id: p.name for p in queries.people_by_id(session=session, team_id=team_id).values() if p.name}
    return LabelWeek(bundles, moves, names)


def build(
    week: LabelWeek,
    *,
    today: date,
    now: datetime,
    calendar: Calendar,
    limit: int,
    pm_id: str | None = None,
    max_rows: int = MAX_ROWS,
) -> WeekPicture | None:
    """The picture as of ``today``: the label's (``pm_id`` None) or that PM's releases; None without any."""
    bundles = [b for b in week.bundles if pm_id is None or b.release.pm_id == pm_id]
    if not bundles:
        return None
    monday = week_start(today)
    end = monday + timedelta(weeks=WEEKS)
    rows, late = [], []
    for bundle in bundles:
        open_items = [d for d in bundle.live if d.state == DeliverableState.OPEN]
        overdue = [d for d in open_items if d.due_date < today]
        late.extend(overdue)
        rows.append(
            PictureRow(
                release=bundle.release,
                hard=[d for d in open_items if d.hard and today <= d.due_date < end],
                late=overdue,
                blocked=[(d, bundle.open_blockers[d.id]) for d in open_items if d.id in bundle.open_blockers],
            )
        )
    return WeekPicture(
        monday=monday,
        today=today,
        label_wide=pm_id is None,
        rows=rows,
        shipped=_shipped(bundles, since=now - LOOK_BACK),
        moved=_moved(bundles, week.moves),
        clashes=_clashes(week.bundles, {b.release.id for b in bundles}, monday=monday, end=end),
        overloaded=_overloaded(week.bundles, bundles, monday=monday, end=end, limit=limit),
        load_limit=limit,
        drawn=min(len(rows), max_rows),
        late_by=working_days_late(late, today=today, calendar=calendar),
        names=week.names,
    )


def _shipped(bundles, *, since: datetime) -> list:
    shipped = []
    for bundle in bundles:
        done = [d for d in bundle.live if d.state == DeliverableState.DONE and d.done_at and utc(d.done_at) >= since]
        if done:
            shipped.append((bundle.release, sorted(done, key=lambda d: utc(d.done_at))))
    return shipped


def _moved(bundles, moves: list[Activity]) -> list[Moved]:
    """Each release day and due date that moved in the week: from where it was first to where it is now."""
    releases = {b.release.id: b.release for b in bundles}
    items = {d.id: d for b in bundles for d in b.live}
    first: dict[tuple, date] = {}
    last: dict[tuple, date] = {}
    for entry in moves:
        due = entry.action == "due_changed"
        if entry.release_id not in releases or (due and entry.deliverable_id not in items):
            continue  # a release moved out of the set, or a deliverable removed since
        key = (entry.release_id, entry.deliverable_id if due else None)
        first.setdefault(key, date.fromisoformat(entry.detail["before"]))
        last[key] = date.fromisoformat(entry.detail["after"])
    return [
        Moved(releases[release_id], items.get(item_id) if item_id else None, before, last[(release_id, item_id)])
        for (release_id, item_id), before in first.items()
        if before != last[(release_id, item_id)]
    ]


def _clashes(label_bundles, shown: set[int], *, monday: date, end: date) -> list[tuple[date, list]]:
    """Weeks with two or more of the label's release days, one of them a release in ``shown``."""
    per_week: dict[date, list] = defaultdict(list)
    for bundle in label_bundles:
        day = bundle.release.release_date
        if monday <= day < end:
            per_week[week_start(day)].append(bundle.release)
    return [
        (week, releases)
        for week, releases in sorted(per_week.items())
        if len(releases) > 1 and any(r.id in shown for r in releases)
    ]


def _overloaded(label_bundles, bundles, *, monday: date, end: date, limit: int) -> list[Overload]:
    """People on ``bundles``' releases with more than ``limit`` open deliverables due in one week across the
    whole label (their load elsewhere counts too)."""
    involved = {d.owner_id for b in bundles for d in b.live if d.owner_id}
    load: Counter = Counter()
    for bundle in label_bundles:
        for d in bundle.live:
            if d.owner_id in involved and d.state == DeliverableState.OPEN and monday <= d.due_date < end:
                load[(d.owner_id, week_start(d.due_date))] += 1
    found = [Overload(user, week, count) for (user, week), count in load.items() if count > limit]
    return sorted(found, key=lambda o: (o.week, -o.count, o.user_id))
