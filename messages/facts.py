"""The facts a status, portfolio or standup message shows, as plain values: the domain works them out
(:mod:`bot.release.health`), messages only word them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from storage.models import Blocker, Deliverable, Release


class Health(StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    LATE = "late"


@dataclass(frozen=True)
class BlockedItem:
    deliverable: Deliverable
    blocker: Blocker


@dataclass(frozen=True)
class Link:
    """One step of a chain: a deliverable and the earliest day it can now be done."""

    deliverable: Deliverable
    earliest: date


@dataclass(frozen=True)
class Chain:
    """Why a hard deadline is at risk: the late work it starts from (``root``, late by ``late_by`` working
    days), what it pushes on the way, and the hard deliverable that can no longer make its date."""

    root: Deliverable
    late_by: int
    through: tuple[Link, ...]
    hard: Link


@dataclass(frozen=True)
class Progress:
    """A release's progress as of a day: what status, portfolio and standup lines all show."""

    release: Release
    today: date
    total: int
    done: int

    @property
    def days_to_release(self) -> int:
        return (self.release.release_date - self.today).days

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass(frozen=True)
class Snapshot(Progress):
    health: Health
    overdue: list[Deliverable]
    blocked: list[BlockedItem]
    due_soon: list[Deliverable]
    unclaimed_soon: list[Deliverable]
    recently_done: list[Deliverable]
    at_risk_upstream: list[Deliverable]
    # Working days each overdue item is late by, and what each item at risk from upstream waits on.
    late_by: Mapping[int, int] = field(default_factory=dict)
    waiting_on: Mapping[int, list[Deliverable]] = field(default_factory=dict)
    # Hard deadlines late work has made impossible, and the first Friday the release would be on plan again.
    chains: tuple[Chain, ...] = ()
    replan_friday: date | None = None


@dataclass(frozen=True)
class PortfolioLine(Progress):
    """One active release in the portfolio: counted in the database, never loaded item by item."""

    overdue_count: int
    blocked_count: int
    health: Health
    clashes: tuple[str, ...] = ()  # the titles of the other active releases in its ISO week


@dataclass(frozen=True)
class Roster:
    """How a standup names people: their display names, who asked it not to mention them, and who is away
    (named, never mentioned, with who covers)."""

    names: Mapping[str, str] = field(default_factory=dict)
    unpinged: frozenset[str] = frozenset()
    away: Mapping[str, Covering] = field(default_factory=dict)


@dataclass(frozen=True)
class Covering:
    """Someone away (``name`` empty when unknown) until ``until``, their last day away, and who covers for them
    (``cover_id`` None: each release's PM); ``starts_on`` their first day away."""

    user_id: str
    name: str
    starts_on: date
    until: date
    cover_id: str | None = None
    cover_name: str = ""


@dataclass(frozen=True)
class Tried:
    """Something already done about a late deliverable, on a day: ``overdue`` (the channel's notice),
    ``pm_told`` (the PM's overdue DM), ``blocker`` (raised ``by`` someone), ``blocker_pm`` (the PM told of it)."""

    what: str
    day: date
    by: str | None = None


@dataclass(frozen=True)
class EscalatedItem:
    """One deliverable in a label head's escalation digest; ``since`` the first earlier digest that listed it
    (None: new today)."""

    deliverable: Deliverable
    late_by: int
    blocker: Blocker | None
    tried: tuple[Tried, ...]
    since: date | None
    # The owner's absence while they are away (the digest names who covers).
    away: Covering | None = None


@dataclass(frozen=True)
class EscalatedRelease:
    release: Release
    workdays_to_release: int
    items: tuple[EscalatedItem, ...]


class Standing(StrEnum):
    """Where an item stands in its owner's morning DM, in the order the DM shows them."""

    LATE = "late"
    TODAY = "today"
    COMING_UP = "coming up"  # within the ladder's heads-up, a couple of working days ahead
    LATER = "later"


@dataclass(frozen=True)
class DigestItem:
    """One line of an owner's morning DM; ``workdays`` are working days late, or left until it is due."""

    deliverable: Deliverable
    release: Release
    standing: Standing
    workdays: int


@dataclass(frozen=True)
class LadderLine:
    """One worded line of a person's ladder DM; ``assign`` is the unowned deliverable an Assign picker gives away."""

    text: str
    assign: int | None = None


@dataclass(frozen=True)
class CatchUpLine:
    """One late deliverable's catch-up date: proposed, or applied."""

    deliverable: Deliverable
    before: date
    after: date
    after_release: bool


@dataclass(frozen=True)
class CatchUpOffer:
    """A catch-up plan as offered: its lines, and the value its Accept button carries."""

    value: str
    lines: tuple[CatchUpLine, ...]


@dataclass(frozen=True)
class LoadItem:
    deliverable: Deliverable
    release: Release
    blocked: bool
    overdue: bool


@dataclass(frozen=True)
class WeekLoad:
    """One ISO week of one person's work (the first week also holds everything already late)."""

    monday: date
    items: tuple[LoadItem, ...]
    over: bool

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def blocked(self) -> int:
        return sum(i.blocked for i in self.items)


@dataclass(frozen=True)
class PersonLoad:
    user_id: str
    weeks: tuple[WeekLoad, ...]

    @property
    def overdue(self) -> int:
        return sum(i.overdue for w in self.weeks for i in w.items)

    @property
    def blocked(self) -> int:
        return sum(w.blocked for w in self.weeks)

    @property
    def total(self) -> int:
        return sum(w.count for w in self.weeks)

    @property
    def overloaded(self) -> bool:
        return any(w.over for w in self.weeks)


@dataclass(frozen=True)
class LoadTable:
    """What a load answer shows: whose (``scope``: self, person, pm or team, and ``subject``), from when,
    against which limit, and the people (busiest first, at most ``MAX_PEOPLE``) of ``total`` in all."""

    scope: str
    subject: str
    mondays: tuple[date, ...]
    limit: int
    today: date
    people: tuple[PersonLoad, ...]
    total: int
