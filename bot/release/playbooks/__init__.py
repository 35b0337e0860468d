"""Playbooks: the checklists releases start from, as TOML files a label can edit or extend.

The built-in ``single``, ``ep`` and ``album`` files live next to this module. A label's
own folder (``RELEASEBOT_PLAYBOOKS``) is read after them: a file with the same name
overrides a built-in, a new name adds a playbook.
"""

from __future__ import annotations

import graphlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.release.bounds import DUE_DAYS_BEFORE
from bot.release.calendar import Calendar
from bot.release.dates import due_on_working_day

BUILT_IN = Path(__file__).parent
TEAMS = ("A&R", "creative", "distribution", "marketing", "PR", "artist")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
# Post-release tasks (reporting, thank-yous) may sit a little after release day, not months.
MAX_OFFSET_AFTER_RELEASE = 30


class PlaybookError(ValueError):
    """A playbook file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class DeliverableTemplate:
    key: str
    name: str
    team: str
    offset_days: int
    hard: bool
    after: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Playbook:
    name: str
    description: str
    min_lead_days: int
    deliverables: tuple[DeliverableTemplate, ...]


@dataclass(frozen=True)
class PlannedDeliverable:
    key: str
    name: str
    team: str
    due: date
    offset_days: int
    hard: bool
    after: tuple[str, ...]
    description: str
    position: int


def load_playbooks(folder: Path | None = None) -> dict[str, Playbook]:
    playbooks = {}
    for source in [BUILT_IN, folder] if folder else [BUILT_IN]:
        for path in sorted(Path(source).glob("*.toml")):
            playbook = _load(path)
            playbooks[playbook.name] = playbook
    return playbooks


def _load(path: Path) -> Playbook:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PlaybookError(f"{path.name}: not valid TOML ({error})") from None
    where = path.name
    try:
        name = str(data.get("name") or path.stem).lower()
        items = [_template(where, raw) for raw in data["deliverables"]]
        playbook = Playbook(name, str(data.get("description", "")), int(data["min_lead_days"]), tuple(items))
    except KeyError as missing:
        raise PlaybookError(f"{where}: missing field {missing}") from None
    _validate(where, playbook)
    return playbook


def _template(where: str, raw: dict) -> DeliverableTemplate:
    label = raw.get("key", "?")
    try:
        return DeliverableTemplate(
            key=str(raw["key"]),
            name=str(raw["name"]),
            team=str(raw["team"]),
            offset_days=int(raw["offset_days"]),
            hard=bool(raw.get("hard", False)),
            after=tuple(raw.get("after", ())),
            description=str(raw.get("description", "")),
        )
    except KeyError as missing:
        raise PlaybookError(f"{where}: deliverable {label} is missing {missing}") from None


def _validate(where: str, playbook: Playbook) -> None:
    keys: dict[str, DeliverableTemplate] = {}
    for item in playbook.deliverables:
        if not KEY.match(item.key):
            raise PlaybookError(f"{where}: key “{item.key}” must be lowercase letters, digits and hyphens")
        if item.key in keys:
            raise PlaybookError(f"{where}: the key {item.key} is used twice")
        if item.team not in TEAMS:
            raise PlaybookError(f"{where}: {item.key} has unknown team “{item.team}” (use one of {', '.join(TEAMS)})")
        if item.offset_days > MAX_OFFSET_AFTER_RELEASE:
            raise PlaybookError(f"{where}: {item.key} is due more than {MAX_OFFSET_AFTER_RELEASE} days after release")
        if item.offset_days < -DUE_DAYS_BEFORE:  # outside any release's span (bot/release/bounds.py)
            raise PlaybookError(f"{where}: {item.key} is due more than {DUE_DAYS_BEFORE} days before release")
        keys[item.key] = item
    for item in playbook.deliverables:
        for upstream in item.after:
            if upstream not in keys:
                raise PlaybookError(f"{where}: {item.key} comes after unknown deliverable “{upstream}”")
            if keys[upstream].offset_days > item.offset_days:
                raise PlaybookError(f"{where}: {item.key} is due before {upstream}, which it comes after")
    try:
        tuple(graphlib.TopologicalSorter({i.key: i.after for i in playbook.deliverables}).static_order())
    except graphlib.CycleError as cycle:
        raise PlaybookError(f"{where}: dependency cycle {' → '.join(cycle.args[1])}") from None


def plan_deliverables(playbook: Playbook, release_date: date, calendar: Calendar) -> list[PlannedDeliverable]:
    """The playbook's deliverables dated for ``release_date``; a due date on a day off of ``calendar`` moves to
    the working day before."""
    planned = [
        PlannedDeliverable(
            key=t.key,
            name=t.name,
            team=t.team,
            due=due_on_working_day(release_date + timedelta(days=t.offset_days), calendar),
            offset_days=t.offset_days,
            hard=t.hard,
            after=t.after,
            description=t.description,
            position=0,
        )
        for t in playbook.deliverables
    ]
    order = {t.key: i for i, t in enumerate(playbook.deliverables)}
    planned.sort(key=lambda p: (p.due, order[p.key]))
    return [PlannedDeliverable(**{**p.__dict__, "position": i}) for i, p in enumerate(planned, start=1)]


def lead_time_warnings(planned: list[PlannedDeliverable], *, today: date) -> list[PlannedDeliverable]:
    """Deliverables already due before ``today``: what a too-close release date puts at risk."""
    return [p for p in planned if p.due < today]


def working_lead(playbook: Playbook, release_date: date, *, today: date, calendar: Calendar) -> tuple[int, int]:
    """The working days from ``today`` to release day, and those the playbook plans before release day (its
    lead, counted back from this release day): over the holidays a date needs more calendar days."""
    have = calendar.workdays_between(today, release_date)
    need = calendar.workdays_between(release_date - timedelta(days=playbook.min_lead_days), release_date)
    return have, need
