"""The facts of the weekly picture, as plain values: the domain (:mod:`bot.release.foresight.weekly`) works them out,
:mod:`messages.timeline` draws them and :mod:`messages.weekly_text` words them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from storage.models import Blocker, Deliverable, Release

WEEKS = 8


@dataclass(frozen=True)
class PictureRow:
    """One release on the timeline: its day, and what on it the reader should look at."""

    release: Release
    hard: list[Deliverable]
    late: list[Deliverable]
    blocked: list[tuple[Deliverable, Blocker]]


@dataclass(frozen=True)
class Moved:
    """A release day or a due date that moved in the last week (``deliverable`` None: the release day)."""

    release: Release
    deliverable: Deliverable | None
    before: date
    after: date


@dataclass(frozen=True)
class Overload:
    """Someone with more open deliverables due in one week, across releases, than the label's limit."""

    user_id: str
    week: date
    count: int


@dataclass(frozen=True)
class WeekPicture:
    """The next ``WEEKS`` weeks from ``monday`` for a set of active releases (soonest first)."""

    monday: date
    today: date
    label_wide: bool
    rows: list[PictureRow]
    shipped: list[tuple[Release, list[Deliverable]]]
    moved: list[Moved]
    clashes: list[tuple[date, list[Release]]]
    overloaded: list[Overload]
    load_limit: int
    # The releases the timeline draws (the soonest); the others are only counted.
    drawn: int
    late_by: Mapping[int, int] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def weeks(self) -> list[date]:
        return [self.monday + timedelta(weeks=n) for n in range(WEEKS)]

    @property
    def end(self) -> date:
        """The first day after the picture."""
        return self.monday + timedelta(weeks=WEEKS)

    @property
    def troubled(self) -> list[PictureRow]:
        return [row for row in self.rows if row.late or row.blocked]

    @property
    def not_drawn(self) -> int:
        return len(self.rows) - self.drawn
