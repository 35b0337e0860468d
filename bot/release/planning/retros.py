"""The retro a release gets 7 working days after its release day, when nobody archived it before."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from sqlmodel import Session

from bot.release.calendar import local_today, office_hours
from bot.release.memory import recall
from bot.release.memory.retro import retro_day
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted
from storage.models import Release


def retros_due(
    session: Session, team: Team, releases: list[Release], troubles: Troubles, *, now: datetime
) -> list[Wanted]:
    """A release still active RETRO_AFTER_WORKDAYS working days after its release day gets its retro, in
    office hours: in its channel and to its PM, under the keys an ``archive`` would have claimed."""
    wanted = []
    for release in releases:
        with troubles.isolated(Subject("standup", (release,))):
            today = local_today(now, release.timezone)
            if today <= release.release_date or today < retro_day(release.release_date, team.calendar):
                continue
            if not office_hours(now, release.timezone, team.calendar):
                continue
            key = recall.retro_key(release)
            for k in (key, f"{key}:pm"):
                compose = partial(retro_message, session, team, release, k, today, now)
                wanted.append(Wanted(k, compose, Subject("standup", (release,))))
    return wanted


def retro_message(session: Session, team: Team, release: Release, key: str, today: date, now: datetime):
    post = next(p for p in recall.retro_posts(session, release, calendar=team.calendar, today=today) if p.key == key)
    return Planned(release.team_id, key, "retro", post.channel, post.message, now + timedelta(days=1), release.id)
