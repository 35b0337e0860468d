"""``/release new``: a release and its checklist from a playbook, saved before anything touches Slack."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlmodel import Session

from bot.release import bounds
from bot.release.calendar import Calendar
from bot.release.dates import is_friday
from bot.release.foresight import catch_up_offers, clashes
from bot.release.memory import label_playbooks
from bot.release.outcome import Outcome, Reply, Request, SetUpChannel
from bot.release.parser import USAGE, NewRelease
from bot.release.playbooks import Playbook, lead_time_warnings, plan_deliverables, working_lead
from bot.release.refusals import UserError
from storage import locks, queries
from storage.models import Deliverable, Release

DEFAULT_PLAYBOOK = "single"


@dataclass(frozen=True)
class Catalogue:
    """The playbooks a workspace can create releases from."""

    playbooks: dict[str, Playbook]

    def pick(self, name: str | None) -> Playbook:
        key = (name or DEFAULT_PLAYBOOK).casefold()
        if key not in self.playbooks:
            known = sorted(self.playbooks)
            raise UserError("unknown_playbook", usage=USAGE["new"], about="playbook", name=name, known=known)
        return self.playbooks[key]


def create_release(
    cmd: NewRelease, *, session: Session, request: Request, catalogue: Catalogue, timezone: str, calendar: Calendar
) -> Outcome:
    """Validate, save the release with its deliverables and dependencies, and ask for its channel; due dates
    fall on the workspace's working days (``calendar``)."""
    today = request.today(timezone)
    playbook = label_playbooks.current(session, request.team_id, catalogue.pick(cmd.playbook))
    bounds.check_release_day(cmd.release_date, today=today, usage=USAGE["new"])
    # A double click (or a command sent twice) arrives as two requests at once: one at a time per workspace,
    # so the second finds the first's release below instead of making another.
    locks.until_commit(session, "new_release", zlib.crc32(request.team_id.encode()))
    existing = queries.active_release_named(
        session=session, team_id=request.team_id, title=cmd.title, artist=cmd.artist, release_date=cmd.release_date
    )  # a double-submitted command must not create the release twice
    if existing is not None:
        return Outcome(reply=Reply.of("duplicate", existing))

    release = Release(
        team_id=request.team_id,
        title=cmd.title,
        artist=cmd.artist,
        release_date=cmd.release_date,
        playbook=playbook.name,
        timezone=timezone,
        pm_id=cmd.pm or request.user_id,
        created_by=request.user_id,
        team_members=list(dict.fromkeys(cmd.team)),
        setup_response_url=request.response_url,
        created_at=request.now,
        updated_at=request.now,
    )
    session.add(release)
    session.flush()
    planned = plan_deliverables(playbook, cmd.release_date, calendar)
    rows = {
        p.key: Deliverable(
            team_id=request.team_id,
            release_id=release.id,
            key=p.key,
            name=p.name,
            team=p.team,
            description=p.description,
            position=p.position,
            offset_days=p.offset_days,
            due_date=p.due,
            hard=p.hard,
            updated_at=request.now,
        )
        for p in planned
    }
    session.add_all(rows.values())
    session.flush()
    queries.add_dependencies(
        session=session,
        team_id=request.team_id,
        pairs=[(rows[p.key].id, rows[up].id) for p in planned for up in p.after],
    )
    queries.log_activity(
        session=session,
        team_id=request.team_id,
        actor_id=request.user_id,
        action="release_created",
        at=request.now,
        release_id=release.id,
        playbook=playbook.name,
        release_date=cmd.release_date.isoformat(),
    )
    bundle = queries.load_bundle(session=session, release=release)
    offer = catch_up_offers.offer(session, release, bundle, now=request.now, calendar=calendar)
    at_risk = lead_time_warnings(planned, today=today)
    lead, needed = working_lead(playbook, cmd.release_date, today=today, calendar=calendar)
    reply = catch_up_offers.answer(
        "replies",
        "created",
        release,
        playbook.name,
        len(planned),
        at_risk,
        not is_friday(cmd.release_date),
        lead,
        needed if lead < needed else None,
        offer is not None,  # what is late is then listed in the plan, with its new dates
        offer=offer,
        warnings=clashes.check(session, release, bundle.live, today=today),
    )
    return Outcome(reply=reply, effects=[SetUpChannel(release.id)])
