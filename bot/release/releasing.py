"""Release-wide subcommands: status, portfolio, mine, moving the date, archiving."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlmodel import Session

from bot.release import absence, bounds
from bot.release import parser as c
from bot.release.artist import approvals
from bot.release.calendar import calendar_of
from bot.release.dates import due_on_working_day, is_friday
from bot.release.deliverables import Room
from bot.release.foresight import catch_up_offers, clashes
from bot.release.health import health_of, snapshot, working_days_late
from bot.release.memory import recall
from bot.release.outcome import ArchiveChannel, Outcome, RefreshHome, Reply, Request, RetitleChannel, SyncChecklist
from bot.release.permissions import PersonLookup, require_manager
from messages import approvals as approval_words
from messages import builders
from messages.facts import PortfolioLine
from messages.render import Message
from storage import queries
from storage.models import DeliverableState, ReleaseState, Workspace

# A portfolio shows the soonest releases; a Slack message has no room for hundreds of lines.
PORTFOLIO_LINES = 60


@dataclass(frozen=True)
class DateChange:
    """One deliverable's due date before and after a release moved."""

    name: str
    owner_id: str | None
    before: date
    after: date
    hard: bool
    # The day its offset from release day falls on, when a holiday or quiet day moved it off that day.
    falls_on: date | None = None


def release_status(room: Room) -> Outcome:
    snap = snapshot(room.bundle, today=room.today, now=room.request.now, calendar=room.calendar)
    waiting = approvals.waiting_in(room.session, room.release)
    if waiting:
        return Outcome(reply=Reply(_status_with_waiting, (snap, waiting)))
    return Outcome(reply=Reply(builders.status, (snap,)))


def _status_with_waiting(snap, waiting, *, lang: str = "en") -> Message:
    return approval_words.with_waiting(builders.status(snap, lang=lang), waiting, lang=lang)


def portfolio(*, session: Session, request: Request, timezone: str) -> Outcome:
    """Every active release, soonest first, one line each (the soonest ones, then "…and N more")."""
    lines, total = portfolio_lines(session=session, team_id=request.team_id, today=request.today(timezone))
    return Outcome(reply=Reply(builders.portfolio, (lines,), {"total": total}))


def portfolio_lines(
    *, session: Session, team_id: str, today: date, limit: int = PORTFOLIO_LINES, pm_id: str | None = None
) -> tuple[list[PortfolioLine], int]:
    """The soonest ``limit`` releases (``pm_id``'s only, when given) with their health, and how many in all.

    Five queries whatever the label's size: only what is shown is loaded and counted, and the titles of the
    releases in the shown ones' weeks, to mark the clashes.
    """
    releases = queries.active_releases(session=session, team_id=team_id, limit=limit, pm_id=pm_id)
    total = len(releases)
    if total == limit:
        total = queries.count_active_releases(session=session, team_id=team_id, pm_id=pm_id)
    counts = queries.release_counts(session=session, team_id=team_id, release_ids=[r.id for r in releases],
                                    today=today)  # fmt: skip
    marks = clashes.portfolio_marks(session, team_id, releases)
    lines = []
    for release in releases:
        c = counts.get(release.id, queries.ReleaseCounts())
        health = health_of(release, overdue=c.overdue, overdue_hard=c.overdue_hard, blocked=c.blocked, today=today)
        lines.append(PortfolioLine(release, today, c.total, c.done, c.overdue, c.blocked, health,
                                   marks.get(release.id, ())))  # fmt: skip
    return lines, total


def mine(*, session: Session, request: Request, workspace: Workspace) -> Outcome:
    """The requester's open deliverables across releases, lateness in the workspace's working days."""
    items = queries.open_deliverables_of(session=session, team_id=request.team_id, owner_id=request.user_id)
    today = request.today(workspace.timezone)
    late_by = working_days_late((d for d, _ in items), today=today, calendar=calendar_of(workspace))
    away = absence.ahead(session, request.team_id, request.user_id, timezone=workspace.timezone, now=request.now)
    facts = {"late_by": late_by, "away": away, "today": today}
    return Outcome(reply=Reply(builders.mine, (items,), facts))


def move_release(room: Room, cmd: c.MoveRelease, *, lookup: PersonLookup, admins: frozenset[str]) -> Outcome:
    """Move release day; unpinned deadlines follow onto working days, pinned ones stay, owners get their new
    dates by DM. The answer names the deadlines a holiday or quiet day moved, and the pinned ones."""
    release = room.release
    require_manager(release, room.request.user_id, lookup=lookup, admins=admins, doing="move_date")
    bounds.check_release_day(cmd.new_date, today=room.today, usage=c.USAGE["date"], past="move_date_past")
    if cmd.new_date == release.release_date:
        return Outcome(reply=room.reply("date_unchanged", release))
    old = release.release_date
    changes: list[DateChange] = []
    # Where the weekends alone would put a deadline: a date elsewhere was moved by a holiday or quiet day.
    weekends_only = replace(room.calendar, holiday_country=None, quiet_days=frozenset())
    open_items = [d for d in room.live if d.state == DeliverableState.OPEN]
    for d in open_items:
        if d.due_pinned:
            continue
        falls_on = cmd.new_date + timedelta(days=d.offset_days)
        after = due_on_working_day(falls_on, room.calendar)
        day_off = falls_on if after != due_on_working_day(falls_on, weekends_only) else None
        if after != d.due_date:
            changes.append(DateChange(d.name, d.owner_id, d.due_date, after, d.hard, day_off))
            d.due_date = after
            room.touch(d)
    release.release_date = cmd.new_date
    release.updated_at = room.request.now
    room.session.add(release)
    room.log("release_moved", before=old.isoformat(), after=cmd.new_date.isoformat(), moved=len(changes))
    past = [ch for ch in changes if ch.after < room.today]
    hard_broken = [ch for ch in past if ch.hard]
    shifted = [ch for ch in changes if ch.falls_on is not None]
    pinned = [d for d in open_items if d.due_pinned]
    offer = catch_up_offers.offer(room.session, release, room.bundle, now=room.request.now, calendar=room.calendar)
    warnings = clashes.check(room.session, release, room.live, today=room.today)
    summary = catch_up_offers.answer("replies", "release_moved", release, old, room.request.user_id, changes, past,
                                 hard_broken, shifted, pinned, not is_friday(cmd.new_date), offer=offer,
                                 warnings=warnings)  # fmt: skip
    per_owner: dict[str, list[DateChange]] = defaultdict(list)
    for ch in changes:
        if ch.owner_id:
            per_owner[ch.owner_id].append(ch)
    dms = [room.dm(owner, "owner_dates_dm", release, old, items) for owner, items in per_owner.items()]
    effects = [SyncChecklist(release.id, overview=True), RetitleChannel(release.id), *dms]
    return Outcome(reply=summary, public=True, effects=effects)


def archive(room: Room, *, lookup: PersonLookup, admins: frozenset[str]) -> Outcome:
    release = room.release
    require_manager(release, room.request.user_id, lookup=lookup, admins=admins, doing="archive")
    release.state = ReleaseState.ARCHIVED
    release.updated_at = room.request.now
    room.session.add(release)
    room.log("archived")
    reply = room.reply("archived", release, room.request.user_id)
    # Owners' and the PM's Home tabs drop the release (their buttons on it would be refused now).
    homes = tuple(sorted({u for u in (release.pm_id, *(d.owner_id for d in room.live)) if u}))
    # The retro goes to the channel and the PM before the channel is archived (unless the tick posted it).
    retro = recall.retro_on_archive(room.session, release, calendar=room.calendar, now=room.request.now)
    effects = [*retro, ArchiveChannel(release.id), RefreshHome(release.team_id, homes)]
    return Outcome(reply=reply, public=True, effects=effects)
