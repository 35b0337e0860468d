"""The time model: which standups, ladder steps and morning DMs are due at a given instant.

Pure functions of plain values and ``now``; planning (:mod:`bot.release.planning`) asks these what is
due. Every time is local: the release's timezone for channel posts, the recipient's own for DMs.
Nobody ever reads UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DM_EARLIEST = time(9, 0)
# Standups stop this long after release day.
STANDUP_AFTER_RELEASE_DAYS = 7


@dataclass(frozen=True)
class Calendar:
    """A workspace's working days: weekdays, public holidays of its country, its own quiet days."""

    workdays: frozenset[int] = frozenset(range(5))
    holiday_country: str | None = None
    quiet_days: frozenset[date] = frozenset()

    # Cached: a tick asks the same few hundred days millions of times (the critical path counts gaps day by day).
    @lru_cache(maxsize=65536)  # noqa: B019 - few calendars, each alive for the process anyway
    def is_workday(self, day: date) -> bool:
        if day.weekday() not in self.workdays or day in self.quiet_days:
            return False
        return not (self.holiday_country and day in _holidays(self.holiday_country, day.year))

    def workdays_before(self, day: date, count: int) -> date:
        """The workday ``count`` workdays before ``day``."""
        current = day
        while count > 0:
            current -= timedelta(days=1)
            if self.is_workday(current):
                count -= 1
        return current

    @lru_cache(maxsize=65536)  # noqa: B019 - as is_workday
    def workdays_after(self, day: date, count: int) -> date:
        """The workday ``count`` workdays after ``day``."""
        current = day
        while count > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                count -= 1
        return current

    @lru_cache(maxsize=65536)  # noqa: B019 - as is_workday
    def workdays_between(self, start: date, end: date) -> int:
        """How many workdays come after ``start``, up to and including ``end`` (0 unless ``end`` is later):
        how late an item due on ``start`` is on ``end``, or how many working days are left until ``end``."""
        return sum(self.is_workday(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))

    def first_workday_after(self, day: date) -> date:
        current = day + timedelta(days=1)
        for _ in range(60):
            if self.is_workday(current):
                return current
            current += timedelta(days=1)
        return current


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def calendar_of(workspace) -> Calendar:
    """The working days of a workspace (its stored ``workdays``, ``holiday_country`` and ``quiet_days``)."""
    return Calendar(
        workdays=parse_workdays(workspace.workdays),
        holiday_country=workspace.holiday_country,
        quiet_days=frozenset(date.fromisoformat(d) for d in workspace.quiet_days),
    )


@lru_cache(maxsize=64)
def _holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year)


def parse_workdays(text: str) -> frozenset[int]:
    """``mon,tue,wed,thu,fri`` or ``mon-fri`` → weekday numbers; raises ValueError on anything else."""
    days: set[int] = set()
    for part in text.replace(" ", "").lower().split(","):
        if "-" in part:
            first, last = (WEEKDAYS.index(p[:3]) for p in part.split("-", 1))
            days.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
        elif part:
            days.add(WEEKDAYS.index(part[:3]))
    if not days:
        raise ValueError("no days")
    return frozenset(days)


def local(now: datetime, timezone: str) -> datetime:
    return now.astimezone(ZoneInfo(timezone))


def local_today(now: datetime, timezone: str) -> date:
    """The date it is at ``now`` in ``timezone``: what "today" means to the people there."""
    return local(now, timezone).date()


def office_hours(now: datetime, timezone: str, calendar: Calendar) -> bool:
    """Reminders reach a person (or a channel) from 09:00 local time, on workdays."""
    here = local(now, timezone)
    return calendar.is_workday(here.date()) and here.time() >= DM_EARLIEST


def standup_day(
    *, now: datetime, timezone: str, standup_at: time, calendar: Calendar, release_date: date
) -> date | None:
    """The local day whose standup is due at ``now``, if any.

    Due from the standup time until midnight, so a standup missed while the bot was down is
    posted once when it returns that same day, and never the day after.
    """
    here = local(now, timezone)
    if here.time() < standup_at or not calendar.is_workday(here.date()):
        return None
    if here.date() > release_date + timedelta(days=STANDUP_AFTER_RELEASE_DAYS):
        return None
    return here.date()


class Step(StrEnum):
    UNCLAIMED = "unclaimed"
    HEADS_UP = "heads-up"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"
    ESCALATE = "escalate"
    # Not a rung of the ladder but told like one: late work has put a hard deadline out of reach.
    AT_RISK = "at-risk"
    # The PM hears that a blocker has been open this many working days (LadderRules.blocked_notices).
    BLOCKED_TWO = "blocked-2"
    BLOCKED_FIVE = "blocked-5"


@dataclass(frozen=True)
class LadderRules:
    """Per-workspace ladder settings (defaults from the product brief)."""

    unclaimed_workdays_before: int = 5
    heads_up_workdays: int = 2
    # Working days from the overdue notice to the escalation (the workspace's ``escalate_after``) ...
    escalate_after: int = 2
    # ... and 1 for a hard deadline or one this many working days or fewer before release day.
    escalate_soon_within: int = 5
    # Working days a blocker has been open when the PM is told, each once.
    blocked_notices: tuple[tuple[int, Step], ...] = ((2, Step.BLOCKED_TWO), (5, Step.BLOCKED_FIVE))


@dataclass(frozen=True)
class ItemFacts:
    """What the ladder needs to know about one open deliverable."""

    due: date
    owner_id: str | None
    hard: bool
    release_date: date
    snoozed_until: date | None = None
    # Already past due when its release's dates were planned (created, or release day moved): the overdue
    # notice comes, an escalation never; an accepted catch-up date is a new plan, and escalates as usual.
    late_at_creation: bool = False
    # The local day its open blocker was raised: the owner is waiting on someone else, so nobody chases them.
    blocked_since: date | None = None


@dataclass(frozen=True)
class DueStep:
    step: Step
    # The day the step belongs to; a step whose day has passed is stale and never sent late.
    day: date


def due_steps(
    item: ItemFacts,
    *,
    today: date,
    owner_today: date | None = None,
    calendar: Calendar,
    rules: LadderRules = LadderRules(),
) -> list[DueStep]:
    """Ladder steps due for ``item`` on ``today`` (the release's local day; DMs to the owner
    go by ``owner_today``, the owner's own local day).

    Reminders (unclaimed, heads-up, due-today, overdue) belong to one day and are skipped while
    the item is snoozed; escalation holds for as long as its condition does, snooze or blocker or not.
    Lateness is counted in working days, so the escalation always comes on a later working day than the
    overdue notice. A blocked item's owner is waiting on someone else: no chase for them and no overdue
    post, while its PM hears when the blocker has been open for working days (snooze or not).
    """
    steps: list[DueStep] = []
    snoozed = item.snoozed_until is not None and today < item.snoozed_until
    late_by = calendar.workdays_between(item.due, today)
    chased = item.blocked_since is None
    if not snoozed:
        ask_from = calendar.workdays_before(item.due, rules.unclaimed_workdays_before)
        if item.owner_id is None and ask_from <= today <= item.due and calendar.is_workday(today):
            steps.append(DueStep(Step.UNCLAIMED, today))
        if item.owner_id is not None and chased:
            owner_day = owner_today or today
            if owner_day == calendar.workdays_before(item.due, rules.heads_up_workdays):
                steps.append(DueStep(Step.HEADS_UP, owner_day))
            if owner_day == item.due:
                steps.append(DueStep(Step.DUE_TODAY, owner_day))
        if chased and late_by >= 1 and today == calendar.first_workday_after(item.due):
            steps.append(DueStep(Step.OVERDUE, today))
    if item.blocked_since is not None:
        steps += _blocked_notices(item.blocked_since, today=today, calendar=calendar, rules=rules)
    if late_by > 1 and not item.late_at_creation and late_by > _workdays_to_escalation(item, calendar, rules):
        steps.append(DueStep(Step.ESCALATE, today))
    return steps


def _blocked_notices(since: date, *, today: date, calendar: Calendar, rules: LadderRules) -> list[DueStep]:
    """The PM's notice on the working day a blocker raised on ``since`` has been open for one of the counts."""
    if not calendar.is_workday(today):
        return []
    open_for = calendar.workdays_between(since, today)
    return [DueStep(step, today) for workdays, step in rules.blocked_notices if open_for == workdays]


def _workdays_to_escalation(item: ItemFacts, calendar: Calendar, rules: LadderRules) -> int:
    """How many working days past the overdue notice (the first working day late) the escalation waits."""
    if item.hard or calendar.workdays_between(item.due, item.release_date) <= rules.escalate_soon_within:
        return 1
    return rules.escalate_after
