"""Catch-up dates for work already late when a release is planned (created, or its date moved).

Escalating what was late before anyone could act on it blames people for the plan. Instead each late item
gets the earliest working day it can really be done by: not before the first day left to work on it, a
working day after every open item it waits on, and on a day its owner has fewer than
:data:`MAX_DUE_PER_DAY` things due (unowned items share one bucket). Pure: plain values in, moves out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.release.calendar import Calendar

MAX_DUE_PER_DAY = 3
# A catch-up date due today is fair only while a morning is left to do it in.
SAME_DAY_UNTIL = time(12)
# How far ahead a free working day is looked for: a year holds room for any release's late work.
SEARCH_DAYS = 366


@dataclass(frozen=True)
class Item:
    """One open deliverable as the planner sees it; ``upstream``: the ids of those it waits on."""

    id: int
    due: date
    owner_id: str | None
    upstream: tuple[int, ...] = ()


@dataclass(frozen=True)
class Move:
    """A late item's new date; ``after_release`` when no day up to release day could take it."""

    id: int
    before: date
    after: date
    after_release: bool


def first_day(now_local: datetime, calendar: Calendar) -> date:
    """The first day catch-up work can be due: today while it is a working morning, else the next working day."""
    today = now_local.date()
    if calendar.is_workday(today) and now_local.time() < SAME_DAY_UNTIL:
        return today
    return calendar.first_workday_after(today)


def plan(
    items: Sequence[Item],
    *,
    today: date,
    start: date,
    release_date: date,
    calendar: Calendar,
    elsewhere: Mapping[tuple[str | None, date], int] | None = None,
) -> list[Move]:
    """A new date for every item of ``items`` (a release's open deliverables) due before ``today``.

    Items are placed upstream first, each on the earliest day that fits, so nothing lands after release day
    while an earlier day could take it. ``elsewhere`` counts what people have due in other releases, per
    (owner, day). An item with no fitting working day within :data:`SEARCH_DAYS` keeps its date.
    """
    order = {item.id: index for index, item in enumerate(items)}
    by_id = {item.id: item for item in items}
    late = {item.id for item in items if item.due < today}
    load = Counter(elsewhere or {})
    load.update((item.owner_id, item.due) for item in items if item.id not in late)
    dates = {item.id: item.due for item in items if item.id not in late}
    moves: list[Move] = []
    for item in _upstream_first([by_id[i] for i in late], late, key=lambda i: (i.due, order[i.id])):
        after = _free_day(item, dates, load, start=start, calendar=calendar)
        if after is None:
            dates[item.id] = item.due
            continue
        dates[item.id] = after
        load[(item.owner_id, after)] += 1
        moves.append(Move(item.id, item.due, after, after > release_date))
    return sorted(moves, key=lambda m: (m.after, order[m.id]))


def _upstream_first(late: list[Item], ids: set[int], *, key) -> list[Item]:
    """``late`` with each item after the late items it waits on (soonest due first among those free to go);
    a cycle, which no playbook has, is broken at its soonest item."""
    waiting = {item.id: {u for u in item.upstream if u in ids and u != item.id} for item in late}
    remaining = sorted(late, key=key)
    ordered: list[Item] = []
    while remaining:
        ready = next((i for i in remaining if not waiting[i.id]), remaining[0])
        remaining.remove(ready)
        ordered.append(ready)
        for others in waiting.values():
            others.discard(ready.id)
    return ordered


def _free_day(item: Item, dates: Mapping[int, date], load: Counter, *, start: date, calendar: Calendar) -> date | None:
    """The earliest working day from ``start``, after every open upstream's date, with room for its owner."""
    upstream = [dates[u] for u in item.upstream if u in dates and u != item.id]
    day = max([start, *(d + timedelta(days=1) for d in upstream)])
    for _ in range(SEARCH_DAYS):
        if calendar.is_workday(day) and load[(item.owner_id, day)] < MAX_DUE_PER_DAY:
            return day
        day += timedelta(days=1)
    return None
