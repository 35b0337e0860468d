"""Pending approvals of a shared file: the approver nudged after two working days, then the PM."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial

from sqlmodel import Session

from bot.release.artist import approvals
from bot.release.calendar import local_today, office_hours
from bot.release.outcome import utc
from bot.release.planning.team import Planned, Subject, Team, Wanted
from messages import approvals as approval_words
from storage import approvals as approval_store
from storage.models import Release


# -- pending approvals ------------------------------------------------------------------------------
def pending_approvals(session: Session, team_id: str, releases: list[Release]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for approval, sign_off in approval_store.pending_in(session=session, team_id=team_id,
                                                        release_ids=[r.id for r in releases]):  # fmt: skip
        found[approval.release_id].append((approval, sign_off))
    return found


def pending_nudges(team: Team, releases: list[Release], *, now: datetime) -> list[Wanted]:
    """Pending approvals of a file: the approver nudged after two working days, then the PM, in office hours."""
    wanted = []
    for release in releases:
        today = local_today(now, release.timezone)
        for approval, sign_off in team.approvals.get(release.id, []):
            if approval.file_id is None:  # nothing shared to look at yet: the upstream's own ladder runs
                continue
            asked_on = local_today(utc(approval.asked_at), release.timezone)
            for nudge in approvals.nudges_due(approval, sign_off, today=today, asked_on=asked_on,
                                              calendar=team.calendar):  # fmt: skip
                to = (release.pm_id or release.created_by) if nudge.to_pm else approval.user_id
                if office_hours(now, team.tz_of(to, release.timezone), team.calendar):
                    compose = partial(approval_nudge, team, release, nudge, to, now)
                    wanted.append(Wanted(nudge.key, compose, Subject("ladder", (release,), sign_off)))
    return wanted


def approval_nudge(team: Team, release: Release, nudge: approvals.Nudge, to: str, now: datetime) -> Planned:
    rows = [(a, d) for a, d in team.approvals[release.id] if d.id == nudge.sign_off.id]
    [waiting] = approvals.waiting(release, rows)
    message = approval_words.nudge(nudge.sign_off, release, waiting, nudge.waited, to_pm=nudge.to_pm,
                                   lang=team.lang_of(to))  # fmt: skip
    return Planned(release.team_id, nudge.key, "approval", to, message, now + timedelta(days=1), release.id,
                   nudge.sign_off.id)  # fmt: skip
