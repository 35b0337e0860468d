"""Each release's morning standup: what was done since the last one, each owner's items, the hard deadlines late
work puts at risk.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from functools import partial

from sqlmodel import Session

from bot.release.artist import approvals
from bot.release.calendar import standup_day
from bot.release.health import snapshot
from bot.release.outcome import utc
from bot.release.planning.team import EVER, Planned, Subject, Team, Wanted, end_of_day
from messages import approvals as approval_words
from messages import builders
from storage import outbox, queries
from storage.models import DeliverableState, Release


def done_by_release(session: Session, team_id: str, releases: list[Release], *, now: datetime) -> dict:
    """Per release, (deliverable, who) done since its previous standup however long ago (a long weekend, the
    holidays), or since it was created, in two queries. Asked only for the standups a tick words, each once a
    day, so the rows read are those releases' done items since then, never a scan of every tick's window."""
    if not releases:
        return {}
    ids = [r.id for r in releases]
    last = outbox.last_standups(session=session, team_id=team_id, release_ids=ids)
    since = {r.id: utc(last[r.id]) if r.id in last else utc(r.created_at or EVER) for r in releases}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for entry in queries.done_since(session=session, team_id=team_id, release_ids=ids, since=min(since.values())):
        if utc(entry.at) >= since[entry.release_id]:
            found[entry.release_id].append((entry.deliverable_id, entry.actor_id))
    return found


def standup(team: Team, bundle: queries.ReleaseBundle, done: dict, *, now: datetime) -> list[Wanted]:
    release = bundle.release
    ws = team.workspace
    hour, minute = (int(x) for x in ws.standup_time.split(":"))
    day = standup_day(
        now=now,
        timezone=release.timezone,
        standup_at=time(hour, minute),
        calendar=team.calendar,
        release_date=release.release_date,
    )
    if day is None:
        return []
    key = f"standup:{release.id}:{day.isoformat()}"
    return [Wanted(key, partial(standup_message, team, bundle, done, key, day, now), Subject("standup", (release,)))]


def standup_message(
    team: Team, bundle: queries.ReleaseBundle, done: dict, key: str, day: date, now: datetime
) -> Planned | None:
    """The standup's words, or None on a quiet day in a workspace that wants no quiet standups. ``done``: per
    release, what was done since its previous standup."""
    release, ws = bundle.release, team.workspace
    snap = snapshot(bundle, today=day, now=now, calendar=team.calendar)
    by_id = bundle.by_id()
    done_items = [
        (by_id[d], who) for d, who in done.get(release.id, []) if d in by_id and by_id[d].state == DeliverableState.DONE
    ]
    message = builders.standup(snap, day=day, done_since=done_items, roster=team.roster(), lang=ws.language)
    if message is None:
        if not ws.standup_when_quiet:
            return None
        message = builders.quiet_standup(snap, day=day, lang=ws.language)
    waiting = approvals.waiting(release, team.approvals.get(release.id, []))
    message = approval_words.with_waiting(message, waiting, lang=ws.language)
    expires = end_of_day(day, release.timezone)
    return Planned(release.team_id, key, "standup", release.channel_id, message, expires, release_id=release.id)
