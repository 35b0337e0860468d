"""What a slip costs: from the late work and the dependencies, the earliest day each downstream deliverable
can now be done, the hard deadlines that became impossible (with the chain that explains why), and the
earliest Friday on which the whole release would be on plan again.

Pure functions of a release's deliverables, their dependencies, today and the working calendar. Each
downstream item keeps the gap its playbook offsets put between it and its upstream, counted in working
days; an open item can be done today at the earliest, and never before its own due date is assumed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from graphlib import CycleError, TopologicalSorter

from bot.release.calendar import Calendar
from bot.release.dates import due_on_working_day
from messages.facts import Chain, Link
from storage.models import Deliverable, DeliverableState

# How far ahead to look for a Friday on which the release is on plan again.
MAX_WEEKS_AHEAD = 52


@dataclass(frozen=True)
class Forecast:
    earliest: Mapping[int, date]
    chains: tuple[Chain, ...]
    # When a hard deadline or release day itself is out of reach: the earliest Friday on which every open
    # deliverable fits its offset again (None otherwise, or when nothing within a year would do).
    replan_friday: date | None
    on_plan: bool


def forecast(
    deliverables: Sequence[Deliverable],
    upstream: Mapping[int, Sequence[int]],
    *,
    release_date: date,
    today: date,
    calendar: Calendar,
) -> Forecast:
    """The earliest day each open deliverable can be done, and what that means for the hard deadlines."""
    live = {d.id: d for d in deliverables if d.state != DeliverableState.REMOVED}
    earliest, pushed_by = _earliest(live, upstream, today=today, calendar=calendar, release_date=release_date)
    chains = tuple(
        _chain(d, live, earliest, pushed_by, today=today, calendar=calendar)
        for d in live.values()
        if d.hard and d.state == DeliverableState.OPEN and earliest[d.id] > d.due_date and d.id in pushed_by
    )
    on_plan = all(earliest[i] <= d.due_date for i, d in live.items() if d.state == DeliverableState.OPEN)
    release_at_risk = chains or any(day > release_date for day in earliest.values())
    replan = _replan_friday(live, upstream, release_date, today=today, calendar=calendar) if release_at_risk else None
    return Forecast(earliest=earliest, chains=chains, replan_friday=replan, on_plan=on_plan)


def _earliest(live, upstream, *, today, calendar, release_date, due_of=None):
    """Per open deliverable, the earliest day it can be done, and which upstream pushed it there."""
    due_of = due_of or (lambda d: d.due_date)
    open_items = {i: d for i, d in live.items() if d.state == DeliverableState.OPEN}
    first_possible = today if calendar.is_workday(today) else calendar.first_workday_after(today)
    graph = {i: [u for u in upstream.get(i, []) if u in open_items] for i in open_items}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError:
        order = list(open_items)  # a cycle cannot be planned: every item keeps its own date
        graph = {i: [] for i in open_items}
    earliest: dict[int, date] = {}
    pushed_by: dict[int, int] = {}
    for i in order:
        d = open_items[i]
        best = max(due_of(d), first_possible)
        for u in graph[i]:
            gap = _gap(open_items[u], d, release_date=release_date, calendar=calendar)
            candidate = calendar.workdays_after(earliest[u], max(gap, 1))
            if candidate > best:
                best, pushed_by[i] = candidate, u
        earliest[i] = best
    return earliest, pushed_by


def _gap(up: Deliverable, down: Deliverable, *, release_date: date, calendar: Calendar) -> int:
    """The working days the playbook's offsets put between two deliverables."""
    planned_up = release_date + timedelta(days=up.offset_days)
    planned_down = release_date + timedelta(days=down.offset_days)
    return calendar.workdays_between(planned_up, planned_down)


def _chain(hard: Deliverable, live, earliest, pushed_by, *, today: date, calendar: Calendar) -> Chain:
    """Follow what pushed ``hard`` back to the work that started it."""
    links = [Link(hard, earliest[hard.id])]
    current = hard.id
    while current in pushed_by:
        current = pushed_by[current]
        links.append(Link(live[current], earliest[current]))
    root = links[-1].deliverable
    late_by = max(1, calendar.workdays_between(root.due_date, today)) if root.due_date < today else 0
    return Chain(root=root, late_by=late_by, through=tuple(reversed(links[1:-1])), hard=links[0])


def _replan_friday(live, upstream, release_date: date, *, today: date, calendar: Calendar) -> date | None:
    """The first Friday after release day on which every open deliverable that moves with the release, due
    at its offset from that Friday (on a working day), can be done in time; pinned dates stay the PM's.

    A later Friday only moves the movable dates later, so once one fits every later one does: the search
    doubles its stride until a Friday fits, then halves back to the first that does (a handful of plans,
    not one per week of the year)."""
    first = release_date + timedelta(days=(4 - release_date.weekday()) % 7 or 7)
    movable = [(i, d) for i, d in live.items() if d.state == DeliverableState.OPEN and not d.due_pinned]

    def fits(weeks: int) -> bool:
        friday = first + timedelta(weeks=weeks)

        def due_then(d: Deliverable) -> date:
            return d.due_date if d.due_pinned else due_on_working_day(friday + timedelta(days=d.offset_days), calendar)

        earliest, _ = _earliest(live, upstream, today=today, calendar=calendar, release_date=friday, due_of=due_then)
        return all(earliest[i] <= due_then(d) for i, d in movable)

    too_soon, weeks, stride = -1, 0, 1
    while not fits(weeks):
        if weeks == MAX_WEEKS_AHEAD - 1:
            return None
        too_soon, weeks, stride = weeks, min(weeks + stride, MAX_WEEKS_AHEAD - 1), stride * 2
    while weeks - too_soon > 1:
        middle = (too_soon + weeks) // 2
        too_soon, weeks = (too_soon, middle) if fits(middle) else (middle, weeks)
    return first + timedelta(weeks=weeks)
