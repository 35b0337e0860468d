"""The deliverable subcommands: claim, assign, unclaim, block, unblock, done, reopen, due, add, remove.

Each function changes the database inside the caller's transaction, logs the change in
the activity log, bumps the deliverable's version (so its checklist message is
re-rendered after the ack) and returns an :class:`Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from sqlmodel import Session

from bot.release import absence, bounds
from bot.release import parser as c
from bot.release.calendar import Calendar, calendar_of
from bot.release.channels import slug
from bot.release.dates import ReleaseOffset
from bot.release.foresight import clashes
from bot.release.outcome import DirectMessage, Outcome, RefreshHome, Reply, Request, SyncChecklist
from bot.release.permissions import PersonLookup, require_manager, require_member
from bot.release.refusals import UserError
from bot.release.resolve import resolve_leading, resolve_ref
from messages import builders
from messages.ids import SnoozeUntil
from storage import queries
from storage.models import Blocker, Deliverable, DeliverableState, Release, ReleaseState

DEFAULT_ADD_OFFSET = -7
DONE_REACTIONS = frozenset({"white_check_mark", "heavy_check_mark", "ballot_box_with_check"})
CLAIM_REACTIONS = frozenset({"raised_hand", "raising_hand"})


@dataclass
class Room:
    """A release channel's release, its deliverables, and the request being served in it."""

    session: Session
    request: Request
    release: Release
    bundle: queries.ReleaseBundle
    # The workspace's working days: due dates set here fall on one.
    calendar: Calendar
    # Who may change any release's deliverables without being in its channel (RELEASEBOT_ADMINS).
    admins: frozenset[str] = frozenset()
    # Owners whose App Home shows a deliverable this request changed (before and after the change).
    homes: set[str] = field(default_factory=set)

    def require_member(self) -> None:
        """Changing a deliverable is for the people in the release's channel (and its managers)."""
        user_id = self.request.user_id
        require_member(
            self.release,
            user_id,
            present=queries.channel_presence(session=self.session, release=self.release, user_id=user_id),
            lookup=partial(queries.get_person, session=self.session, team_id=self.release.team_id, user_id=user_id),
            admins=self.admins,
        )

    def reply(self, macro: str, *args) -> Reply:
        return Reply.of(macro, *args)

    def handed(self, macro: str, args: tuple, over: clashes.Overload | None, d: Deliverable | None = None) -> Reply:
        """A hand-over answer, with the new owner's week when it is now over the label's limit, and their
        absence when someone else handed ``d`` to them."""
        reply = self.reply(macro, *args) if over is None else Reply(builders.with_overload, (macro, args, over))
        return reply if d is None else absence.warned(reply, self.away_of(d))

    def away_of(self, d: Deliverable):
        """The absence of ``d``'s owner to warn whoever handed it to them of (see :mod:`bot.release.absence`)."""
        return absence.assign_warning(self.session, d, d.owner_id, by_user=self.request.user_id,
                                      timezone=self.release.timezone, now=self.request.now)  # fmt: skip

    def name_of(self, user_id: str) -> str | None:
        """A person's cached name: an answer that names someone a DM tells anyway need not mention them too."""
        person = queries.get_person(session=self.session, team_id=self.release.team_id, user_id=user_id)
        return person.name if person is not None and person.name else None

    def dm(self, user_id: str, macro: str, *args) -> DirectMessage:
        """A DM, worded after the ack in the recipient's language."""
        return DirectMessage(self.release.team_id, user_id, macro, args)

    @property
    def live(self) -> list[Deliverable]:
        return self.bundle.live

    def find(self, ref: c.Ref) -> Deliverable:
        return resolve_ref(ref, self.live)

    def touch(self, deliverable: Deliverable, *, previous_owner: str | None = None) -> None:
        self.homes.update(owner for owner in (deliverable.owner_id, previous_owner) if owner)
        deliverable.version += 1
        deliverable.updated_at = self.request.now
        self.session.add(deliverable)

    def log(self, action: str, deliverable: Deliverable | None = None, **detail) -> None:
        queries.log_activity(
            session=self.session,
            team_id=self.release.team_id,
            actor_id=self.request.user_id,
            action=action,
            at=self.request.now,
            release_id=self.release.id,
            deliverable_id=deliverable.id if deliverable else None,
            **detail,
        )

    def changed(self, reply, *, public: bool = False, extra=()) -> Outcome:
        effects = [SyncChecklist(self.release.id), *extra]
        if self.homes:
            effects.append(RefreshHome(self.release.team_id, tuple(sorted(self.homes))))
        return Outcome(reply=reply, public=public, effects=effects)

    @property
    def today(self):
        return self.request.today(self.release.timezone)


def _require_open(d: Deliverable, doing: str) -> None:
    """``doing``: "claim", "block" or "snooze", for the message."""
    if d.state == DeliverableState.DONE:
        raise UserError("already_done", d=d, doing=doing)


def claim(room: Room, cmd: c.Claim) -> Outcome:
    d = room.find(cmd.ref)
    return take(room, d, room.request.user_id)


def take(room: Room, d: Deliverable, user_id: str, *, assigned_by: str | None = None) -> Outcome:
    """Give ``d`` to ``user_id`` (a claim when they ask for it themselves, an assignment otherwise)."""
    _require_open(d, "claim")
    me = room.request.user_id
    if d.owner_id == user_id:
        macro = "already_yours" if user_id == me else "assigned"
        return Outcome(reply=room.reply(macro, d))
    if d.owner_id and assigned_by is None:
        raise UserError("owned_by", d=d)
    previous = queries.hand_over(session=room.session, deliverable=d, to=user_id, by=me, at=room.request.now)
    owner_before, d.owner_id = d.owner_id, user_id
    room.touch(d, previous_owner=owner_before)
    over = clashes.handed(room.session, d, release=room.release)
    if assigned_by is None:
        room.log("claimed", d)
        return room.changed(room.handed("claimed", (d,), over))
    room.log("assigned", d, owner=user_id, previous=previous.user_id if previous else None)
    if user_id == me:
        return room.changed(room.handed("assigned", (d,), over), public=True)
    told = room.dm(user_id, "assigned_dm", d, room.release, me)
    return room.changed(room.handed("assigned", (d, room.name_of(user_id)), over, d), public=True, extra=[told])


def assign(room: Room, cmd: c.Assign) -> Outcome:
    return take(room, room.find(cmd.ref), cmd.user_id, assigned_by=room.request.user_id)


def unclaim(room: Room, cmd: c.Unclaim) -> Outcome:
    d = room.find(cmd.ref)
    if d.owner_id is None:
        raise UserError("no_owner", d=d)
    return release_claim(room, d)


def release_claim(room: Room, d: Deliverable) -> Outcome:
    queries.hand_over(session=room.session, deliverable=d, to=None, by=room.request.user_id, at=room.request.now)
    owner = d.owner_id
    d.owner_id = None
    room.touch(d, previous_owner=owner)
    room.log("unclaimed", d, previous=owner)
    return room.changed(room.reply("unclaimed", d, owner))


def block(room: Room, cmd: c.Block) -> Outcome:
    d, reason = resolve_leading(cmd.ref, cmd.reason, room.live)
    reason = reason.strip()
    if not reason:
        raise UserError("block_reason", usage=c.USAGE["block"])
    bounds.check_text(reason, field="reason", usage=c.USAGE["block"])
    _require_open(d, "block")
    current = room.bundle.open_blockers.get(d.id)
    if current is not None:
        raise UserError("already_blocked", d=d, blocker=current)
    room.session.add(
        Blocker(
            team_id=d.team_id,
            deliverable_id=d.id,
            reason=reason,
            raised_by=room.request.user_id,
            raised_at=room.request.now,
        )
    )
    room.touch(d)
    room.log("blocked", d, reason=reason)
    return room.changed(room.reply("blocked", d, reason, room.request.user_id), public=True)


def unblock(room: Room, cmd: c.Unblock) -> Outcome:
    d = room.find(cmd.ref)
    current = room.bundle.open_blockers.get(d.id)
    if current is None:
        raise UserError("not_blocked", d=d)
    _resolve_blocker(room, current)
    room.touch(d)
    room.log("unblocked", d, reason=current.reason)
    return room.changed(room.reply("unblocked", d, room.request.user_id), public=True)


def _resolve_blocker(room: Room, blocker: Blocker) -> None:
    blocker.resolved_at = room.request.now
    blocker.resolved_by = room.request.user_id
    room.session.add(blocker)


def done(room: Room, cmd: c.Done) -> Outcome:
    return finish(room, room.find(cmd.ref))


def finish(room: Room, d: Deliverable, *, via: str = "command") -> Outcome:
    """Mark ``d`` done by the requester; owners waiting on it hear they can go ahead."""
    if d.state == DeliverableState.DONE:
        return Outcome(reply=room.reply("done", d))
    if d.state == DeliverableState.REMOVED:
        raise UserError("removed", d=d)
    d.state = DeliverableState.DONE
    d.done_by = room.request.user_id
    d.done_at = room.request.now
    blocker = room.bundle.open_blockers.pop(d.id, None)
    if blocker is not None:
        _resolve_blocker(room, blocker)
    room.touch(d)
    room.log("done", d, via=via)
    return room.changed(room.reply("done", d), extra=_unblocked_dms(room, d))


def _unblocked_dms(room: Room, upstream: Deliverable) -> list[DirectMessage]:
    """Tell each owner downstream of ``upstream`` to go ahead, when nothing else is in their way: no other
    open upstream and no blocker of their own."""
    by_id = room.bundle.by_id()
    posts = []
    for d in room.live:
        ups = room.bundle.upstream.get(d.id, [])
        if upstream.id not in ups or d.state != DeliverableState.OPEN or not d.owner_id:
            continue
        if d.id in room.bundle.open_blockers:
            continue
        if all(by_id[u].state != DeliverableState.OPEN for u in ups if u in by_id):
            posts.append(room.dm(d.owner_id, "now_unblocked_dm", d, room.release, upstream))
    return posts


def reopen(room: Room, cmd: c.Reopen) -> Outcome:
    return reopen_item(room, room.find(cmd.ref))


def reopen_item(room: Room, d: Deliverable, *, via: str = "command") -> Outcome:
    if d.state != DeliverableState.DONE:
        raise UserError("not_done", d=d)
    d.state = DeliverableState.OPEN
    d.done_by = None
    d.done_at = None
    room.touch(d)
    room.log("reopened", d, via=via)
    return room.changed(room.reply("reopened", d))


def set_due(room: Room, cmd: c.Due, *, lookup: PersonLookup, admins: frozenset[str]) -> Outcome:
    require_manager(room.release, room.request.user_id, lookup=lookup, admins=admins, doing="set_due")
    d = room.find(cmd.ref)
    old = d.due_date
    usage = c.USAGE["due"]
    if isinstance(cmd.due, ReleaseOffset):
        d.due_date = bounds.due_from_offset(
            room.release.release_date, cmd.due.days, calendar=room.calendar, usage=usage
        )
        d.offset_days = cmd.due.days
        d.due_pinned = False
    else:
        bounds.check_due(cmd.due, release_day=room.release.release_date, usage=usage)
        d.due_date = cmd.due
        d.offset_days = (cmd.due - room.release.release_date).days
        d.due_pinned = True
    in_past, after_release = d.due_date < room.today, d.due_date > room.release.release_date
    day_off = not room.calendar.is_workday(d.due_date)
    room.touch(d)
    room.log("due_changed", d, before=old.isoformat(), after=d.due_date.isoformat(), pinned=d.due_pinned)
    reply = room.reply("due_set", d, old, room.request.user_id, in_past, after_release, day_off)
    return room.changed(reply, public=True)


def add(room: Room, cmd: c.Add) -> Outcome:
    usage = c.USAGE["add"]
    taken = _named(cmd.name, room.live)
    if taken is not None:
        raise UserError("name_taken", usage=usage, about="name", d=taken)
    after = resolve_ref(cmd.after, room.live) if cmd.after else None
    if isinstance(cmd.due, ReleaseOffset) or cmd.due is None:
        offset = cmd.due.days if cmd.due else DEFAULT_ADD_OFFSET
        due = bounds.due_from_offset(room.release.release_date, offset, calendar=room.calendar, usage=usage)
        pinned = False
    else:
        if cmd.due < room.today:
            raise UserError("due_past", usage=usage, about="due", day=cmd.due)
        bounds.check_due(cmd.due, release_day=room.release.release_date, usage=usage)
        due, offset, pinned = cmd.due, (cmd.due - room.release.release_date).days, True
    d = Deliverable(
        team_id=room.release.team_id,
        release_id=room.release.id,
        key=_free_key(cmd.name, room.bundle.deliverables),
        name=cmd.name,
        position=max((x.position for x in room.bundle.deliverables), default=0) + 1,
        offset_days=offset,
        due_date=due,
        due_pinned=pinned,
        owner_id=cmd.owner,
        updated_at=room.request.now,
    )
    room.session.add(d)
    room.session.flush()
    if after is not None:
        queries.add_dependencies(session=room.session, team_id=d.team_id, pairs=[(d.id, after.id)])
    if cmd.owner:
        queries.hand_over(
            session=room.session, deliverable=d, to=cmd.owner, by=room.request.user_id, at=room.request.now
        )
    room.log("added", d, name=cmd.name, due=due.isoformat())
    if not cmd.owner or cmd.owner == room.request.user_id:
        return room.changed(room.reply("added", d, room.request.user_id, after, cmd.due is None), public=True)
    reply = absence.warned(room.reply("added", d, room.request.user_id, after, cmd.due is None,
                                      room.name_of(cmd.owner)), room.away_of(d))  # fmt: skip
    told = room.dm(cmd.owner, "assigned_dm", d, room.release, room.request.user_id)
    return room.changed(reply, public=True, extra=[told])


def _named(name: str, live: list[Deliverable]) -> Deliverable | None:
    """The deliverable already called ``name``, whatever its case and spacing: two of one name cannot be told
    apart by name."""
    wanted = " ".join(name.casefold().split())
    return next((d for d in live if " ".join(d.name.casefold().split()) == wanted), None)


def _free_key(name: str, existing: list[Deliverable]) -> str:
    base = (slug(name) or "item")[:48]
    taken = {d.key for d in existing}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def remove(room: Room, cmd: c.Remove, *, lookup: PersonLookup, admins: frozenset[str]) -> Outcome:
    require_manager(room.release, room.request.user_id, lookup=lookup, admins=admins, doing="remove")
    d = room.find(cmd.ref)
    d.state = DeliverableState.REMOVED
    blocker = room.bundle.open_blockers.pop(d.id, None)
    if blocker is not None:
        _resolve_blocker(room, blocker)
    room.touch(d)
    room.log("removed", d)
    return room.changed(room.reply("removed", d, room.request.user_id), public=True)


def snooze(room: Room, cmd: c.Snooze) -> Outcome:
    return snooze_until(room, room.find(cmd.ref), cmd.until)


def snooze_until(room: Room, d: Deliverable, until: date, *, via: str = "command") -> Outcome:
    """Quiet reminders for one deliverable until a day; escalations still run."""
    _require_open(d, "snooze")
    if d.state == DeliverableState.REMOVED:
        raise UserError("removed_snooze", d=d)
    bounds.check_snooze(until, today=room.today, usage=c.USAGE["snooze"])
    d.snoozed_until = until
    room.touch(d)  # its checklist message and Home say how long it is quiet
    room.log("snoozed", d, until=until.isoformat(), via=via)
    return room.changed(room.reply("snoozed", d))


def snooze_for(room: Room, d: Deliverable, until: SnoozeUntil) -> Outcome:
    """A Snooze button: quiet until tomorrow, or until next Monday."""
    day = room.today + timedelta(days=1) if until == SnoozeUntil.TOMORROW else next_monday(room.today)
    return snooze_until(room, d, day, via="button")


def reacted(room: Room, d: Deliverable, reaction: str, user_id: str, *, added: bool) -> Outcome | None:
    """✅ marks done and ✋ claims. Taking one away undoes it only when nothing else holds it: the last ✅
    removed reopens, and only the owner's ✋ removed unclaims."""
    if reaction in DONE_REACTIONS:
        if added:
            queries.add_reaction(session=room.session, deliverable=d, user_id=user_id, name=reaction)
            return finish(room, d, via="reaction")
        remaining = queries.remove_reaction(session=room.session, deliverable=d, user_id=user_id, name=reaction)
        if remaining == 0 and d.state == DeliverableState.DONE:
            return reopen_item(room, d, via="reaction")
        return None
    if added:
        return take(room, d, user_id)
    if d.owner_id == user_id and d.state == DeliverableState.OPEN:
        return release_claim(room, d)
    return None


def next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def is_active(release: Release | None) -> bool:
    return release is not None and release.state == ReleaseState.ACTIVE


def require_active(release: Release | None, *, refusal: str = "archived") -> Release:
    """An archived release keeps its messages, buttons and Home rows, but nothing in it changes any more."""
    if not is_active(release):
        raise UserError(refusal)
    return release


def room_for(
    session: Session, request: Request, deliverable: Deliverable, *, admins: frozenset[str], members_only: bool = True
) -> tuple[Room, Deliverable]:
    """The room of a deliverable found by id or message (buttons, reactions), and its copy in that room;
    refused to someone who may not change it (``members_only`` False: the action checks who may).

    Only that deliverable changes, so the rest of its release is loaded read-only: a ✅ in a release of
    thirty deliverables builds one ORM object, not thirty.
    """
    release = queries.get_release(session=session, team_id=request.team_id, release_id=deliverable.release_id)
    require_active(release)
    bundle = queries.load_bundle(session=session, release=release, readonly=True)
    bundle.deliverables = [deliverable if d.id == deliverable.id else d for d in bundle.deliverables]
    workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
    room = Room(session, request, release, bundle, calendar_of(workspace), admins=admins)
    if members_only:
        room.require_member()
    return room, deliverable
