"""The catch-up plan as the PM meets it: offered with ``/release new`` or ``/release date`` when work is
already past due, and applied by its Accept button.

Until it is accepted, what was late when the dates were planned is never escalated (``Release.planned_on``);
accepted dates are pinned and at least that day, so the ladder counts from them as from any other date.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from sqlmodel import Session

from bot.release.calendar import Calendar, calendar_of, local
from bot.release.deliverables import Room, require_active
from bot.release.foresight import catch_up
from bot.release.outcome import Outcome, Reply, Request
from bot.release.permissions import require_manager
from messages import builders
from messages.facts import CatchUpLine, CatchUpOffer
from messages.ids import CatchUpValue
from storage import locks, queries
from storage.models import DeliverableState, Release


def offer(
    session: Session, release: Release, bundle: queries.ReleaseBundle, *, now: datetime, calendar: Calendar
) -> CatchUpOffer | None:
    """Plan the release's dates as of ``now``: remember the day (what is due before it was late when planned)
    and a catch-up plan for that late work, replacing any plan offered before; None when nothing is late."""
    here = local(now, release.timezone)
    today = here.date()
    open_items = [d for d in bundle.live if d.state == DeliverableState.OPEN]
    items = [catch_up.Item(d.id, d.due_date, d.owner_id, tuple(bundle.upstream.get(d.id, ()))) for d in open_items]
    owners = {d.owner_id for d in open_items if d.owner_id and d.due_date < today}
    elsewhere = queries.due_elsewhere(
        session=session, team_id=release.team_id, owner_ids=owners, release_id=release.id, since=today
    )
    moves = catch_up.plan(items, today=today, start=catch_up.first_day(here, calendar),
                          release_date=release.release_date, calendar=calendar, elsewhere=elsewhere)  # fmt: skip
    serial = (release.catch_up or {}).get("serial", 0) + 1
    release.planned_on = today
    release.catch_up = {
        "serial": serial,
        "offered_on": today.isoformat(),
        "moves": [{"id": m.id, "before": m.before.isoformat(), "after": m.after.isoformat()} for m in moves],
        "accepted_by": None,
    }
    session.add(release)
    if not moves:
        return None
    by_id = {d.id: d for d in open_items}
    lines = tuple(CatchUpLine(by_id[m.id], m.before, m.after, m.after_release) for m in moves)
    return CatchUpOffer(CatchUpValue(release.id, serial).encode(), lines)


def answer(kind: str, macro: str, *args, offer: CatchUpOffer | None, warnings=None) -> Reply:
    """An answer with the clash and load ``warnings`` (bot.release.foresight.clashes) and the catch-up plan under it,
    when there are any."""
    return Reply(builders.with_catch_up, (kind, macro, args, offer, warnings))


def accept(session: Session, request: Request, value: CatchUpValue, *, admins: frozenset[str]) -> Outcome:
    """Apply the plan behind an Accept button in one go, for the release's managers: each date the plan
    started from is still there is replaced and pinned; one changed since (``/release due``) is left and
    named. A plan accepted already, or replaced by a newer one, changes nothing."""
    locks.until_commit(session, "catch_up", value.release_id)  # two clicks at once: the second sees the first's
    release = require_active(queries.get_release(session=session, team_id=request.team_id, release_id=value.release_id))
    lookup = partial(queries.get_person, session=session, team_id=request.team_id, user_id=request.user_id)
    require_manager(release, request.user_id, lookup=lookup, admins=admins, doing="accept_catch_up")
    plan = release.catch_up or {}
    if plan.get("serial") != value.serial or not plan.get("moves"):
        return Outcome(reply=Reply.of("superseded", release, kind="catch_up"))
    if plan.get("accepted_by"):
        return Outcome(reply=Reply.of("already_accepted", release, plan["accepted_by"], kind="catch_up"))
    workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
    bundle = queries.load_bundle(session=session, release=release)
    room = Room(session, request, release, bundle, calendar_of(workspace), admins=admins)
    offered_on = date.fromisoformat(plan["offered_on"])
    if offered_on < room.today:  # its first days are gone: offer one from today instead of applying it
        fresh = offer(session, release, bundle, now=request.now, calendar=room.calendar)
        return Outcome(reply=answer("catch_up", "replanned", release, offered_on, fresh is not None, offer=fresh))
    by_id = bundle.by_id()
    moved, left = [], []
    for move in plan["moves"]:
        d = by_id.get(move["id"])
        before, after = date.fromisoformat(move["before"]), date.fromisoformat(move["after"])
        if d is None or d.state != DeliverableState.OPEN:
            continue  # done or removed since: nothing to catch up
        if d.due_date != before:
            left.append(d)
            continue
        d.due_date, d.offset_days, d.due_pinned = after, (after - release.release_date).days, True
        room.touch(d)
        room.log("catch_up_date", d, before=before.isoformat(), after=after.isoformat())
        moved.append(CatchUpLine(d, before, after, after > release.release_date))
    release.catch_up = {**plan, "accepted_by": request.user_id, "accepted_at": request.now.isoformat()}
    release.updated_at = request.now
    session.add(release)
    room.log("catch_up_accepted", moved=len(moved), left=len(left))
    told = [room.dm(owner, "catch_up_dates_dm", release, request.user_id, lines) for owner, lines in _per_owner(moved)]
    return room.changed(Reply.of("accepted", release, request.user_id, moved, left, kind="catch_up"), extra=told)


def _per_owner(lines: list[CatchUpLine]) -> list[tuple[str, list[CatchUpLine]]]:
    """Each owner's new dates: a date someone else set is news to them (as after a release moves)."""
    grouped: dict[str, list[CatchUpLine]] = {}
    for line in lines:
        if line.deliverable.owner_id:
            grouped.setdefault(line.deliverable.owner_id, []).append(line)
    return list(grouped.items())
