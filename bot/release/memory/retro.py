"""What a release's history says about it: each deliverable on time or late, time lost to blockers, date
moves, who delivered what. Pure functions over the activity log, the deliverables and their blockers, so
the numbers hold for releases finished before anyone asked for them.

A deliverable is judged against the due date in force when it was done: a date changed after it was done
(``due_changed`` logged later) does not make it late or on time after the fact. It is late when it was done
(or is still open) at least one working day after that date; done on a weekend after a Friday due date is
on time, as the ladder sees it too. Open items not due yet are not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.release.calendar import Calendar, local_today
from bot.release.outcome import utc
from storage.models import Activity, Blocker, Deliverable, DeliverableState, Release

# The log's actions a judgement reads.
JUDGED_ACTIONS = ("done", "due_changed", "release_moved")
# Working days after release day that a release still active gets its retro from the tick.
RETRO_AFTER_WORKDAYS = 7


@dataclass(frozen=True)
class Judged:
    """One deliverable, judged: the date it was held to, when it was done and by whom, and how late."""

    release_id: int
    key: str
    name: str
    team: str
    due: date
    done_on: date | None
    done_by: str | None
    slip: int  # working days late; 0 on time

    @property
    def late(self) -> bool:
        return self.slip > 0


@dataclass(frozen=True)
class Rate:
    """How many of ``judged`` were on time, under a label (a team, a deliverable)."""

    label: str
    on_time: int
    judged: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.judged) if self.judged else None


@dataclass(frozen=True)
class BlockedSpell:
    name: str
    reason: str
    workdays: int
    open: bool


@dataclass(frozen=True)
class DateMove:
    before: date
    after: date
    on: date
    by: str


@dataclass(frozen=True)
class Retro:
    """Everything a retro shows, worked out; messages only word it."""

    release: Release
    today: date
    overall: Rate
    teams: list[Rate]
    late: list[Judged]
    blocked: list[BlockedSpell]
    moves: list[DateMove]
    delivered: list[tuple[str, list[str]]]

    @property
    def blocked_workdays(self) -> int:
        return sum(spell.workdays for spell in self.blocked)


def judge(
    items: Iterable[Deliverable],
    activities: Iterable[Activity],
    *,
    calendar: Calendar,
    today: date,
    timezone: str,
) -> list[Judged]:
    """Each deliverable of ``items`` that can be judged on ``today`` (done, or open past its due date)."""
    log: dict[int, list[Activity]] = defaultdict(list)
    for entry in sorted(activities, key=lambda a: (_moment(a.at), a.id or 0)):
        if entry.deliverable_id is not None:
            log[entry.deliverable_id].append(entry)
    judged = []
    for d in items:
        if d.state == DeliverableState.REMOVED:
            continue
        entries = log.get(d.id, [])
        if d.state == DeliverableState.DONE:
            done = next((a for a in reversed(entries) if a.action == "done"), None)
            moment = _moment(done.at) if done is not None else d.done_at
            if moment is None:
                continue
            due = _due_then(d, entries, moment)
            done_on = local_today(moment, timezone)
            who = done.actor_id if done is not None else d.done_by
            slip = calendar.workdays_between(due, done_on)
            judged.append(Judged(d.release_id, d.key, d.name, d.team, due, done_on, who, slip))
        elif d.due_date < today:
            slip = calendar.workdays_between(d.due_date, today)
            judged.append(Judged(d.release_id, d.key, d.name, d.team, d.due_date, None, None, slip))
    return judged


def _due_then(d: Deliverable, entries: Sequence[Activity], done_at: datetime) -> date:
    """The due date in force at ``done_at``: the one the first due-date change after it started from."""
    later = next((a for a in entries if a.action == "due_changed" and _moment(a.at) > done_at), None)
    if later is not None and later.detail.get("before"):
        return date.fromisoformat(later.detail["before"])
    return d.due_date


def _moment(at: datetime) -> datetime:
    return utc(at)


def rate(label: str, judged: Iterable[Judged]) -> Rate:
    judged = list(judged)
    return Rate(label, sum(not j.late for j in judged), len(judged))


def rates_by(judged: Iterable[Judged], attribute: str) -> list[Rate]:
    """On-time rates per value of ``attribute`` (``team``, ``key``), in the order first met."""
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        groups[getattr(j, attribute) or "—"].append(j)
    return [rate(label, group) for label, group in groups.items()]


def retro(
    release: Release,
    items: Sequence[Deliverable],
    activities: Sequence[Activity],
    blockers: Sequence[Blocker],
    *,
    calendar: Calendar,
    today: date,
) -> Retro:
    judged = judge(items, activities, calendar=calendar, today=today, timezone=release.timezone)
    names = {d.id: d.name for d in items}
    spells = []
    for b in sorted(blockers, key=lambda b: _moment(b.raised_at)):
        if b.deliverable_id not in names:
            continue
        raised = local_today(_moment(b.raised_at), release.timezone)
        ended = local_today(_moment(b.resolved_at), release.timezone) if b.resolved_at else today
        spells.append(BlockedSpell(names[b.deliverable_id], b.reason, calendar.workdays_between(raised, ended),
                                   b.resolved_at is None))  # fmt: skip
    moves = [
        DateMove(
            date.fromisoformat(a.detail["before"]),
            date.fromisoformat(a.detail["after"]),
            local_today(_moment(a.at), release.timezone),
            a.actor_id,
        )  # fmt: skip
        for a in sorted(activities, key=lambda a: (_moment(a.at), a.id or 0))
        if a.action == "release_moved" and a.detail.get("before") and a.detail.get("after")
    ]
    delivered: dict[str, list[str]] = defaultdict(list)
    for j in judged:
        if j.done_by:
            delivered[j.done_by].append(j.name)
    return Retro(
        release=release,
        today=today,
        overall=rate("", judged),
        teams=sorted(rates_by(judged, "team"), key=lambda r: r.label.casefold()),
        late=sorted((j for j in judged if j.late), key=lambda j: (-j.slip, j.name)),
        blocked=spells,
        moves=moves,
        delivered=sorted(delivered.items(), key=lambda pair: (-len(pair[1]), pair[0])),
    )


def retro_day(release_date: date, calendar: Calendar) -> date:
    """The working day, RETRO_AFTER_WORKDAYS after release day, on which an unarchived release gets its retro."""
    day = release_date
    for _ in range(RETRO_AFTER_WORKDAYS):
        day = calendar.first_workday_after(day)
    return day
