"""What the tick wants sent at ``now``: each release's standup, each deliverable's reminder ladder, each
owner's morning digest, worded in the reader's language and keyed so that each exists once.

There is no scheduler job per release: every tick reads the database and plans afresh; the outbox's keys
(:mod:`storage.outbox`) recognise what an earlier tick already reserved. A release, deliverable or person
whose planning or wording raises is skipped, logged and reported to the release's PM once (a reserved
``trouble:`` key remembers it), and everything else still goes out.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.release import absence
from bot.release.calendar import calendar_of
from bot.release.planning.approval_nudges import pending_approvals, pending_nudges
from bot.release.planning.escalating import escalation_digests
from bot.release.planning.ladder import Line, covered, ladder_dm_keys, ladder_dms, ladder_lines
from bot.release.planning.mornings import digests
from bot.release.planning.retros import retros_due
from bot.release.planning.standups import done_by_release, standup
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted, log
from bot.release.planning.weekly_posts import brief_offers, weekly_pictures
from storage import outbox, queries
from storage.models import Workspace

__all__ = ["Planned", "plan", "reserve"]


def reserve(session: Session, planned: list[Planned], *, now: datetime) -> int:
    """Reserve each planned message in the outbox unless its key is there already; how many were new."""
    rows = [
        outbox.row(
            team_id=p.team_id,
            key=p.key,
            kind=p.kind,
            channel=p.channel,
            text=p.message.text,
            blocks=p.message.blocks,
            now=now,
            expires_at=p.expires_at,
            release_id=p.release_id,
            deliverable_id=p.deliverable_id,
            state=p.state,
        )
        for p in (row for message in planned for row in (message, *message.carries))
    ]
    return outbox.reserve(session=session, rows=rows, now=now)


def plan(session: Session, *, now: datetime) -> list[Planned]:
    """Everything due at ``now`` across all workspaces, in a fixed number of queries per workspace. People
    are read from the cache (refreshed from Slack before the transaction, see :func:`people_to_reach`).

    A standup is due from its time until midnight, so every minute's tick finds it due again: what an
    earlier tick reserved is recognised by its key and not worded again (it was most of a tick's work).
    """
    planned: list[Planned] = []
    for workspace in session.exec(select(Workspace).where(col(Workspace.uninstalled_at).is_(None))).all():
        try:
            planned.extend(plan_workspace(session, workspace, now=now))
        except Exception:  # noqa: BLE001 - one workspace's trouble never stops the others'
            log.exception("tick skipped workspace %s", workspace.team_id, extra={"slack_team": workspace.team_id})
    return planned


def plan_workspace(session: Session, workspace: Workspace, *, now: datetime) -> list[Planned]:
    team = Team(workspace, calendar_of(workspace))
    releases = [r for r in queries.active_releases(session=session, team_id=workspace.team_id) if r.channel_id]
    bundles = queries.load_bundles(session=session, team_id=workspace.team_id, releases=releases, readonly=True)
    team.people = queries.people_by_id(session=session, team_id=workspace.team_id)
    team.approvals = pending_approvals(session, workspace.team_id, releases)
    team.away = absence.book_of(session, workspace, team.people, now=now)
    done_since: dict[int, list[tuple[int, str]]] = {}  # filled below, for the standups this tick words
    troubles = Troubles()
    wanted: list[Wanted] = []
    lines: list[Line] = []
    for bundle in bundles:
        with troubles.isolated(Subject("standup", (bundle.release,))):
            wanted.extend(standup(team, bundle, done_since, now=now))
        steps, told = ladder_lines(team, bundle, troubles, now=now)
        wanted.extend(steps)
        lines.extend(covered(team, told))
    wanted.extend(digests(team, bundles, troubles, now=now))
    wanted.extend(escalation_digests(session, team, bundles, troubles, now=now))
    wanted.extend(retros_due(session, team, releases, troubles, now=now))
    wanted.extend(weekly_pictures(team, bundles, now=now))
    wanted.extend(brief_offers(session, team, bundles, troubles, now=now))
    wanted.extend(pending_nudges(team, releases, now=now))
    keys = [w.key for w in wanted] + [line.key for line in lines] + ladder_dm_keys(team, lines, now=now)
    reserved = outbox.reserved_keys(session=session, team_id=workspace.team_id, keys=keys)
    wanted.extend(ladder_dms(team, lines, reserved, troubles, now=now))
    fresh_standups = [w.about.releases[0] for w in wanted if w.key.startswith("standup:") and w.key not in reserved]
    done_since.update(done_by_release(session, workspace.team_id, fresh_standups, now=now))
    planned: list[Planned] = []
    for w in wanted:
        if w.key in reserved:
            continue
        try:
            if (p := w.compose()) is not None:
                planned.append(p)
        except Exception as error:  # noqa: BLE001 - one message's words never stop the others'
            troubles.note(w.about, error)
    return planned + troubles.reports(session, team, now=now)
