"""Where a release stands: pure functions of its deliverables and a chosen day.

``/release status``, the portfolio and the standup all read this one snapshot, so they can never
disagree about what is late or at risk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from bot.release.calendar import Calendar
from bot.release.critical_path import forecast
from bot.release.outcome import utc
from messages.facts import BlockedItem, Health, Snapshot
from storage.models import Deliverable, DeliverableState, Release
from storage.queries import ReleaseBundle

SOON_DAYS = 7
UNCLAIMED_HORIZON_DAYS = 14
RECENT_DAYS = 7


def snapshot(bundle: ReleaseBundle, *, today: date, now: datetime, calendar: Calendar) -> Snapshot:
    """Classify every live deliverable of a release as of ``today``; lateness counts ``calendar``'s working days."""
    live = bundle.live
    open_items = [d for d in live if d.state == DeliverableState.OPEN]
    done_items = [d for d in live if d.state == DeliverableState.DONE]
    overdue = sorted((d for d in open_items if d.due_date < today), key=lambda d: d.due_date)
    blocked = [BlockedItem(d, bundle.open_blockers[d.id]) for d in open_items if d.id in bundle.open_blockers]
    soon_limit = today + timedelta(days=SOON_DAYS)
    due_soon = [d for d in open_items if today <= d.due_date <= soon_limit]
    unclaimed_limit = today + timedelta(days=UNCLAIMED_HORIZON_DAYS)
    unclaimed_soon = [d for d in open_items if d.owner_id is None and d.due_date <= unclaimed_limit]
    recent_since = now - timedelta(days=RECENT_DAYS)
    recently_done = sorted(
        (d for d in done_items if d.done_at is not None and utc(d.done_at) >= recent_since),
        key=lambda d: utc(d.done_at),
        reverse=True,
    )
    troubled = {d.id for d in overdue} | {b.deliverable.id for b in blocked}
    release_date = bundle.release.release_date
    ahead = forecast(live, bundle.upstream, release_date=release_date, today=today, calendar=calendar)
    by_id = bundle.by_id()
    waiting_on = {
        d.id: [by_id[up] for up in bundle.upstream.get(d.id, []) if up in troubled]
        for d in open_items
        if d.id not in troubled
    }
    at_risk_upstream = [d for d in open_items if waiting_on.get(d.id)]
    return Snapshot(
        release=bundle.release,
        today=today,
        total=len(live),
        done=len(done_items),
        health=_health(bundle.release, overdue, blocked, at_risk_upstream, today=today),
        overdue=overdue,
        blocked=blocked,
        due_soon=sorted(due_soon, key=lambda d: d.due_date),
        unclaimed_soon=sorted(unclaimed_soon, key=lambda d: d.due_date),
        recently_done=recently_done,
        at_risk_upstream=at_risk_upstream,
        late_by=working_days_late(overdue, today=today, calendar=calendar),
        waiting_on={d.id: waiting_on[d.id] for d in at_risk_upstream},
        chains=ahead.chains,
        replan_friday=ahead.replan_friday,
    )


def working_days_late(items: Iterable[Deliverable], *, today: date, calendar: Calendar) -> dict[int, int]:
    """Working days each item past its due date is late by: at least 1 from the day after, so a deadline
    missed on Friday reads 1 working day late over the weekend and on Monday alike."""
    return {d.id: max(1, calendar.workdays_between(d.due_date, today)) for d in items if d.due_date < today}


def _health(release, overdue, blocked, at_risk_upstream, *, today: date) -> Health:
    return health_of(
        release, overdue=len(overdue), overdue_hard=sum(d.hard for d in overdue), blocked=len(blocked), today=today
    )


def health_of(release: Release, *, overdue: int, overdue_hard: int, blocked: int, today: date) -> Health:
    """Late: a hard deadline missed, or release day reached with work open. At risk: anything slipping.

    Counts are enough: a deliverable at risk from upstream implies an overdue or blocked one in the
    same release, so the portfolio (which only counts) and the full snapshot always agree.
    """
    if overdue_hard or (release.release_date <= today and overdue):
        return Health.LATE
    if overdue or blocked:
        return Health.AT_RISK
    return Health.ON_TRACK
