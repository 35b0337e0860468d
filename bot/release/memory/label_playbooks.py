"""The label's own playbooks: versioned copies, in the database, of the shipped (or RELEASEBOT_PLAYBOOKS)
ones. ``new`` uses the label's newest version of a playbook; applying a suggestion writes the next one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.release.bounds import DUE_DAYS_BEFORE
from bot.release.calendar import Calendar
from bot.release.memory.lessons import earlier_offset
from bot.release.playbooks import DeliverableTemplate, Playbook
from storage import history
from storage.models import LabelPlaybook


@dataclass(frozen=True)
class OffsetChange:
    """One deliverable whose offset (calendar days from release day) differs from another version's."""

    key: str
    name: str
    before: int | None  # None: not in the other version
    after: int | None


def as_playbook(row: LabelPlaybook) -> Playbook:
    items = tuple(DeliverableTemplate(**{**t, "after": tuple(t.get("after", ()))}) for t in row.deliverables)
    return Playbook(row.name, row.description, row.min_lead_days, items)


def current(session: Session, team_id: str, default: Playbook) -> Playbook:
    """The label's newest version of ``default``'s playbook, or ``default`` when the label has none."""
    row = history.latest_playbook(session=session, team_id=team_id, name=default.name)
    return as_playbook(row) if row is not None else default


def differences(default: Playbook, mine: Playbook) -> list[OffsetChange]:
    """What ``mine`` changed from ``default``, in ``mine``'s order, then what it dropped."""
    before = {t.key: t for t in default.deliverables}
    after = {t.key: t for t in mine.deliverables}
    changed = [
        OffsetChange(t.key, t.name, before[t.key].offset_days if t.key in before else None, t.offset_days)
        for t in mine.deliverables
        if t.key not in before or before[t.key].offset_days != t.offset_days
    ]
    dropped = [OffsetChange(t.key, t.name, t.offset_days, None) for t in default.deliverables if t.key not in after]
    return changed + dropped


def shifted(playbook: Playbook, key: str, workdays_earlier: int, calendar: Calendar) -> Playbook | None:
    """``playbook`` with ``key`` due ``workdays_earlier`` working days earlier; never before what it comes
    after (the playbook's own rule) nor outside any release's span. None when that changes nothing."""
    by_key = {t.key: t for t in playbook.deliverables}
    item = by_key.get(key)
    if item is None:
        return None
    floor = max([-DUE_DAYS_BEFORE, *(by_key[up].offset_days for up in item.after if up in by_key)])
    offset = max(floor, earlier_offset(item.offset_days, workdays_earlier, calendar))
    if offset >= item.offset_days:
        return None
    items = tuple(replace(t, offset_days=offset) if t.key == key else t for t in playbook.deliverables)
    return replace(playbook, deliverables=items)


def save_version(
    session: Session, team_id: str, playbook: Playbook, *, version: int, change: OffsetChange, why: str,
    by: str, at: datetime,
) -> LabelPlaybook:  # fmt: skip
    row = LabelPlaybook(
        team_id=team_id,
        name=playbook.name,
        version=version,
        description=playbook.description,
        min_lead_days=playbook.min_lead_days,
        deliverables=[{**asdict(t), "after": list(t.after)} for t in playbook.deliverables],
        changes=[
            {"key": change.key, "name": change.name, "before": change.before, "after": change.after, "why": why}
        ],  # fmt: skip
        changed_by=by,
        changed_at=at,
    )
    session.add(row)
    session.flush()
    return row


def last_changed(rows: list[LabelPlaybook]) -> dict[tuple[str, str], datetime]:
    """When the label last changed each (playbook, deliverable key)."""
    found: dict[tuple[str, str], datetime] = {}
    for row in rows:
        for change in row.changes:
            found[(row.name, change["key"])] = row.changed_at
    return found


def current_versions(rows: list[LabelPlaybook]) -> dict[str, int]:
    versions: dict[str, int] = {}
    for row in rows:
        versions[row.name] = max(versions.get(row.name, 0), row.version)
    return versions
