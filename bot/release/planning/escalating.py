"""The daily escalation digest to the escalation channel, the label heads or each PM: every escalated item by
release, with what was already tried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache, partial

from sqlmodel import Session

from bot.release.calendar import (
    Step,
    due_steps,
    local,
    local_today,
    office_hours,
)
from bot.release.escalations import DIGEST_KIND, History, history
from bot.release.planning.ladder import item_facts, ladder_rules
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted, away, end_of_day
from messages import builders
from messages.facts import EscalatedItem, EscalatedRelease
from storage import outbox, queries
from storage.models import Blocker, Deliverable, DeliverableState, Release


# -- the label heads' escalation digest ------------------------------------------------------------
@dataclass(frozen=True)
class Late:
    """A deliverable whose escalation holds today, in its release."""

    release: Release
    deliverable: Deliverable
    blocker: Blocker | None
    late_by: int
    today: date


def escalation_digests(
    session: Session, team: Team, bundles: list[queries.ReleaseBundle], troubles: Troubles, *, now: datetime
) -> list[Wanted]:
    """One digest a working day for each label head (or to the escalation channel; with neither, each release's
    PM), from the workspace's ``escalation_time`` in their timezone: every deliverable whose escalation holds
    (the ladder's rule, :func:`due_steps`), by release. Once the day's digests are reserved, a tick looks at no
    deliverable for them; what was already tried is read once, and only if a digest is worded."""
    with troubles.isolated(Subject("escalations", tuple(b.release for b in bundles), user_id="all")):
        return escalations_wanted(session, team, bundles, troubles, now=now)
    return []  # the trouble is reported to the releases' PMs


def escalations_wanted(
    session: Session, team: Team, bundles: list[queries.ReleaseBundle], troubles: Troubles, *, now: datetime
) -> list[Wanted]:
    due = digests_due(session, team, bundles, now=now)
    per_recipient: dict[str, list[Late]] = defaultdict(list)
    for bundle in bundles:
        release = bundle.release
        recipients = [r for r in escalation_recipients(team, release) if r in due]
        today = local_today(now, release.timezone)
        for d in bundle.live if recipients else ():
            if d.state != DeliverableState.OPEN or d.due_date >= today:
                continue
            with troubles.isolated(Subject("ladder", (release,), d)):
                late = escalated(team, release, d, bundle.open_blockers.get(d.id), today=today)
                for recipient in recipients if late else ():
                    per_recipient[recipient].append(late)
    late_ids = list(dict.fromkeys(x.deliverable.id for items in per_recipient.values() for x in items))
    ws = team.workspace
    load = partial(history, session=session, team_id=ws.team_id, deliverable_ids=late_ids, now=now)
    known = cache(partial(load, recipients=list(per_recipient)))
    wanted = []
    for recipient, items in per_recipient.items():
        key, day, tz = due[recipient]
        about = Subject("escalations", tuple({x.release.id: x.release for x in items}.values()), user_id=recipient)
        compose = partial(escalation_digest, team, key, recipient, items, known, day, end_of_day(day, tz))
        wanted.append(Wanted(key, compose, about))
    return wanted


def digests_due(
    session: Session, team: Team, bundles: list[queries.ReleaseBundle], *, now: datetime
) -> dict[str, tuple[str, date, str]]:
    """Recipient → (key, their day, their timezone) of each digest due at ``now`` and not yet reserved."""
    ws = team.workspace
    at = time(*(int(x) for x in ws.escalation_time.split(":")))
    due = {}
    for recipient in dict.fromkeys(r for bundle in bundles for r in escalation_recipients(team, bundle.release)):
        tz = ws.timezone if recipient == ws.escalation_channel else team.tz_of(recipient, ws.timezone)
        if office_hours(now, tz, team.calendar) and local(now, tz).time() >= at:
            day = local_today(now, tz)
            due[recipient] = (f"{DIGEST_KIND}:{recipient}:{day.isoformat()}", day, tz)
    if not due:
        return {}
    reserved = outbox.reserved_keys(session=session, team_id=ws.team_id, keys=[key for key, _, _ in due.values()])
    return {recipient: found for recipient, found in due.items() if found[0] not in reserved}


def escalated(team: Team, release: Release, d: Deliverable, blocker: Blocker | None, *, today: date) -> Late | None:
    facts = item_facts(release, d, blocker)
    steps = due_steps(facts, today=today, calendar=team.calendar, rules=ladder_rules(team))
    if not any(step.step == Step.ESCALATE for step in steps):
        return None
    return Late(release, d, blocker, team.calendar.workdays_between(d.due_date, today), today)


def escalation_recipients(team: Team, release: Release) -> list[str]:
    ws = team.workspace
    if ws.escalation_channel:
        return [ws.escalation_channel]
    return list(ws.label_heads) or ([release.pm_id] if release.pm_id else [])


def escalation_digest(
    team: Team, key: str, recipient: str, items: list[Late], history: Callable[[], History], day: date, expires
) -> Planned:
    known = history()
    groups = []
    for release_id in dict.fromkeys(x.release.id for x in sorted(items, key=lambda x: x.release.release_date)):
        late = [x for x in items if x.release.id == release_id]
        release = late[0].release
        escalated = tuple(
            EscalatedItem(x.deliverable, x.late_by, x.blocker, known.tried(x.deliverable, release, x.blocker),
                          known.since(recipient, x.deliverable, day), away(team, x.deliverable.owner_id))
            for x in sorted(late, key=lambda x: (-x.late_by, x.deliverable.position))
        )  # fmt: skip
        workdays_left = team.calendar.workdays_between(late[0].today, release.release_date)
        groups.append(EscalatedRelease(release, workdays_left, escalated))
    message = builders.escalation_digest(groups, lang=team.lang_of(recipient))
    return Planned(team.workspace.team_id, key, DIGEST_KIND, recipient, message, expires)
