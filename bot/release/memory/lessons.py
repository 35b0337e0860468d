"""What the label's finished releases teach: on-time rates per team and deliverable, average slip, what is
most often late, and playbook changes worth making. Pure functions over judged deliverables
(:mod:`bot.release.memory.retro`).

A suggestion is made for a deliverable late in at least half of the last SUGGEST_WINDOW releases of a
playbook that had it (at least SUGGEST_MIN_RELEASES of them), counting only releases created after the
label last changed that deliverable in its playbook: to start it the average slip (rounded up) plus one
working day earlier.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.release.calendar import Calendar
from bot.release.dates import due_on_working_day
from bot.release.memory.retro import Judged, Rate, rate, rates_by
from bot.release.outcome import utc
from storage.models import Release

SUGGEST_WINDOW = 8
SUGGEST_MIN_RELEASES = 3
# Deliverables listed under "most often late".
MOST_LATE = 5
# Playbook offsets are calendar days from release day; working days are counted back from where the offset
# falls for a release on this Friday (release days are Fridays), in the workspace's working weekdays.
REFERENCE_FRIDAY = date(2027, 1, 8)


@dataclass(frozen=True)
class Finished:
    """A finished release (archived, or past release day) and its deliverables, judged."""

    release: Release
    judged: list[Judged]


@dataclass(frozen=True)
class KeyRecord:
    """One deliverable (by key) across releases: how often on time, late in how many, by how much."""

    key: str
    name: str
    rate: Rate
    late: int
    average_slip: float | None


@dataclass(frozen=True)
class Suggestion:
    """ "Start *name* ``earlier`` working days earlier" for ``playbook``, on top of the label's ``version``
    (0: the shipped one)."""

    playbook: str
    key: str
    name: str
    late_in: int
    releases: int
    average_slip: int
    earlier: int
    version: int


@dataclass(frozen=True)
class Stats:
    releases: int
    overall: Rate
    teams: list[Rate]
    keys: list[KeyRecord]
    average_slip: float | None
    most_late: list[KeyRecord]
    suggestions: list[Suggestion]


def stats(finished: Sequence[Finished], suggestions: Sequence[Suggestion]) -> Stats:
    judged = [j for f in finished for j in f.judged]
    late = [j for j in judged if j.late]
    keys = _key_records(judged)
    return Stats(
        releases=len(finished),
        overall=rate("", judged),
        teams=sorted(rates_by(judged, "team"), key=lambda r: (r.percent or 0, r.label.casefold())),
        keys=sorted(keys, key=lambda k: (k.rate.percent or 0, k.name.casefold())),
        average_slip=_mean([j.slip for j in late]),
        most_late=sorted((k for k in keys if k.late), key=lambda k: (-k.late, k.name.casefold()))[:MOST_LATE],
        suggestions=list(suggestions),
    )


def _key_records(judged: Sequence[Judged]) -> list[KeyRecord]:
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        groups[j.key].append(j)
    records = []
    for key, group in groups.items():
        late = [j.slip for j in group if j.late]
        records.append(KeyRecord(key, group[-1].name, rate(key, group), len(late), _mean(late)))
    return records


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def suggestions(
    finished: Sequence[Finished],
    *,
    versions: Mapping[str, int],
    changed: Mapping[tuple[str, str], datetime],
    playbook: str | None = None,
) -> list[Suggestion]:
    """Suggestions per playbook (only ``playbook``'s when given), most often late first.

    ``versions``: the label's current version of each playbook it changed; ``changed``: when the label last
    changed each (playbook, key)."""
    per_playbook: dict[str, list[Finished]] = defaultdict(list)
    for f in sorted(finished, key=lambda f: (f.release.release_date, f.release.id), reverse=True):
        if playbook is None or f.release.playbook == playbook:
            per_playbook[f.release.playbook].append(f)
    found = []
    for name, releases in per_playbook.items():
        per_key: dict[str, list[Judged]] = defaultdict(list)
        for f in releases:
            for j in f.judged:
                since = changed.get((name, j.key))
                if since is not None and (f.release.created_at is None or utc(f.release.created_at) <= utc(since)):
                    continue
                if len(per_key[j.key]) < SUGGEST_WINDOW:
                    per_key[j.key].append(j)
        for key, recent in per_key.items():
            late = [j.slip for j in recent if j.late]
            if len(recent) < SUGGEST_MIN_RELEASES or 2 * len(late) < len(recent):
                continue
            average = sum(late) / len(late)
            found.append(Suggestion(name, key, recent[0].name, len(late), len(recent), round(average),
                                    math.ceil(average) + 1, versions.get(name, 0)))  # fmt: skip
    return sorted(found, key=lambda s: (-s.late_in / s.releases, s.playbook, s.name.casefold()))


def earlier_offset(offset_days: int, workdays_earlier: int, calendar: Calendar) -> int:
    """A playbook offset (calendar days from release day) moved ``workdays_earlier`` working days earlier:
    counted back from where it falls for a Friday release, over the calendar's working weekdays (holidays
    differ year to year and are left to each release's own dates)."""
    weekdays = Calendar(workdays=calendar.workdays)
    falls_on = due_on_working_day(REFERENCE_FRIDAY + timedelta(days=offset_days), weekdays)
    return (weekdays.workdays_before(falls_on, workdays_earlier) - REFERENCE_FRIDAY).days
