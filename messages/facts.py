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
