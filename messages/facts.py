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


@dataclass(frozen=True)
class PortfolioLine(Progress):
    """One active release in the portfolio: counted in the database, never loaded item by item."""

    overdue_count: int
    blocked_count: int
    health: Health


@dataclass(frozen=True)
class Roster:
    """How a standup names people: their display names, and who asked it not to mention them."""

    names: Mapping[str, str] = field(default_factory=dict)
    unpinged: frozenset[str] = frozenset()


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
