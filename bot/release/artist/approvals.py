"""Sign-offs with the artist's team: named approvers (by default the sign-off's owner) approve, or ask for
changes to, the newest file shared for the deliverable the sign-off comes after.

A sign-off is a deliverable of the ``artist`` team (the playbooks' ``artist-approval``): what it comes after
is what it approves. Every approver approving the current file marks it done; changes requested reopen the
upstream deliverable and tell its owner; a newer file sets every approval back to pending and asks again.
Pending approvals join the reminder ladder (:func:`nudges_due`): the approver after two working days, then
the PM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.release import deliverables
from bot.release import parser as c
from bot.release.calendar import Calendar, local_today
from bot.release.deliverables import Room
from bot.release.language import language_of
from bot.release.outcome import Effect, Outcome, Post, Reply, SyncChecklist, utc
from bot.release.refusals import UserError
from messages import approvals as words
from messages.approvals import Waiting
from storage import approvals as stored
from storage import queries
from storage.models import Approval, Deliverable, DeliverableFile, DeliverableState, Release

SIGN_OFF_TEAM = "artist"
PENDING, APPROVED, CHANGES = "pending", "approved", "changes"
# Working days an approval may wait before its approver is nudged, and before the PM is told.
NUDGE_APPROVER_AFTER = 2
NUDGE_PM_AFTER = 4


def is_sign_off(d: Deliverable) -> bool:
    return d.team == SIGN_OFF_TEAM


def approvers(room: Room, cmd: c.Approvers) -> Outcome:
    """``/release approvers <sign-off> @a @b``: names them (each asked by DM); without anyone, who they are."""
    d = _sign_off(room.find(cmd.ref))
    rows = _rows(room, d, create=False)
    if not cmd.user_ids:
        shown = standing(d, [(r.user_id, r.state) for r in rows])
        return Outcome(reply=Reply.of("approvers_shown", d, shown, kind="approvals"))
    if d.state != DeliverableState.OPEN:
        raise UserError("signed_off_already", d=d)
    current = _current_file(room, d)
    new = stored.name_approvers(session=room.session, sign_off=d, user_ids=list(cmd.user_ids),
                                file_id=current.file_id if current else None, at=room.request.now)  # fmt: skip
    room.touch(d)
    room.log("approvers", d, users=list(cmd.user_ids))
    asks = [_ask(room.session, room.release, d, user, current, again=False) for user in new]
    reply = Reply.of("approvers_set", d, list(cmd.user_ids), kind="approvals")
    return room.changed(reply, public=True, extra=asks)


def approve(room: Room, d: Deliverable) -> Outcome:
    """The clicker approves the current file; the last approver's approval marks the sign-off done."""
    if d.state == DeliverableState.DONE:
        return Outcome(reply=Reply.of("signed_off", d, kind="approvals"))
    mine, rows = _approver(room, d)
    current = _current_file(room, d)
    file_id = current.file_id if current else None
    if mine.state == APPROVED and mine.file_id == file_id:
        return Outcome(reply=Reply.of("approved_already", d, kind="approvals"))
    _decide(room, mine, APPROVED, file_id)
    room.log("approved", d, file=file_id)
    waiting = [r.user_id for r in rows if r.state != APPROVED or r.file_id != file_id]
    if waiting:
        room.touch(d)
        return room.changed(Reply.of("approved_waiting", d, waiting, kind="approvals"))
    finished = deliverables.finish(room, d, via="approval")
    return Outcome(reply=Reply.of("signed_off", d, kind="approvals"), effects=finished.effects)


def request_changes(room: Room, d: Deliverable, note: str) -> Outcome:
    """The clicker asks for changes: the upstream deliverable the current file is for reopens, and its owner
    (or the PM, when it has none) hears what to change."""
    if d.state == DeliverableState.DONE:
        raise UserError("signed_off_already", d=d)
    mine, _ = _approver(room, d)
    current = _current_file(room, d)
    _decide(room, mine, CHANGES, current.file_id if current else None, note=note)
    room.touch(d)
    room.log("changes_requested", d, note=note)
    ups = [current.deliverable_id] if current else room.bundle.upstream.get(d.id, [])
    told: list[Effect] = []
    reopened = []
    for upstream_id in ups:
        up = queries.get_deliverable(session=room.session, team_id=d.team_id, deliverable_id=upstream_id)
        if up is None or up.state == DeliverableState.REMOVED:
            continue
        if up.state == DeliverableState.DONE:
            deliverables.reopen_item(room, up, via="changes_requested")
        reopened.append(up)
        owner = up.owner_id or room.release.pm_id or room.release.created_by
        lang = language_of(room.session, d.team_id, owner)
        message = words.changes_requested_dm(up, d, room.release, room.request.user_id, note, lang=lang)
        told.append(Post(d.team_id, owner, message))
    return room.changed(Reply.of("changes_sent", d, reopened, note, kind="approvals"), public=True, extra=told)


def file_arrived(session: Session, release: Release, upstream: Deliverable, shared: DeliverableFile) -> list[Effect]:
    """A newer file for ``upstream``: every sign-off after it is pending again, and its approvers are asked."""
    if shared.verdict not in stored.APPROVABLE:
        return []
    asks: list[Effect] = []
    for d in stored.sign_offs_after(session=session, upstream_id=upstream.id, team=SIGN_OFF_TEAM):
        rows = stored.approvals_of(session=session, deliverable_ids=[d.id])[d.id]
        if not rows and d.owner_id:
            stored.name_approvers(session=session, sign_off=d, user_ids=[d.owner_id], file_id=None, at=shared.shared_at)
            rows = stored.approvals_of(session=session, deliverable_ids=[d.id])[d.id]
        for row in rows:
            row.state, row.file_id, row.note = PENDING, shared.file_id, None
            row.asked_at, row.decided_at = shared.shared_at, None
            session.add(row)
            asks.append(_ask(session, release, d, row.user_id, shared, again=True))
        d.version += 1
        session.add(d)
        queries.log_activity(session=session, team_id=d.team_id, actor_id=shared.shared_by, action="approval_reset",
                             at=shared.shared_at, release_id=release.id, deliverable_id=d.id,
                             file=shared.file_id)  # fmt: skip
    return [*asks, SyncChecklist(release.id)] if asks else []


def waiting_in(session: Session, release: Release) -> list[Waiting]:
    """Who each open sign-off of the release waits on, and since when."""
    return waiting(release, stored.pending_in(session=session, team_id=release.team_id, release_ids=[release.id]))


def waiting(release: Release, rows: list[tuple[Approval, Deliverable]]) -> list[Waiting]:
    """Who each sign-off of ``rows`` (pending approvals) waits on, and since when (the release's local day)."""
    by_sign_off: dict[int, tuple[Deliverable, list[str], datetime]] = {}
    for approval, d in rows:
        _, users, since = by_sign_off.setdefault(d.id, (d, [], utc(approval.asked_at)))
        users.append(approval.user_id)
        by_sign_off[d.id] = (d, users, min(since, utc(approval.asked_at)))
    return [
        Waiting(d.name, d.key, tuple(users), local_today(since, release.timezone))
        for d, users, since in by_sign_off.values()
    ]


@dataclass(frozen=True)
class Nudge:
    """A reminder an approval has earned: to its approver (``to_pm`` False) or to the release's PM."""

    approval: Approval
    sign_off: Deliverable
    to_pm: bool
    waited: int

    @property
    def key(self) -> str:
        whom = "pm" if self.to_pm else "approver"
        return f"approval:{self.approval.id}:{utc(self.approval.asked_at).isoformat()}:{whom}"


def nudges_due(
    approval: Approval, sign_off: Deliverable, *, today: date, asked_on: date, calendar: Calendar
) -> list[Nudge]:
    """The nudges a pending approval asked on ``asked_on`` has earned by ``today``, counted in working days."""
    waited = calendar.workdays_between(asked_on, today)
    due = [Nudge(approval, sign_off, False, waited)] if waited >= NUDGE_APPROVER_AFTER else []
    return due + ([Nudge(approval, sign_off, True, waited)] if waited >= NUDGE_PM_AFTER else [])


def _sign_off(d: Deliverable) -> Deliverable:
    if not is_sign_off(d):
        raise UserError("not_a_sign_off", d=d)
    return d


def _rows(room: Room, d: Deliverable, *, create: bool) -> list[Approval]:
    """The sign-off's approvers; when none were named, its owner (recorded as such once ``create``)."""
    rows = stored.approvals_of(session=room.session, deliverable_ids=[d.id])[d.id]
    if rows or not d.owner_id or not create:
        return rows
    current = _current_file(room, d)
    stored.name_approvers(session=room.session, sign_off=d, user_ids=[d.owner_id],
                          file_id=current.file_id if current else None, at=room.request.now)  # fmt: skip
    return stored.approvals_of(session=room.session, deliverable_ids=[d.id])[d.id]


def require_approver(session: Session, d: Deliverable, user_id: str) -> None:
    """Only a sign-off's approvers (its owner, when none were named) decide on it; anyone else is told who."""
    _sign_off(d)
    if d.state == DeliverableState.REMOVED:
        raise UserError("removed", d=d)
    rows = stored.approvals_of(session=session, deliverable_ids=[d.id])[d.id]
    deciders = [r.user_id for r in rows] or ([d.owner_id] if d.owner_id else [])
    if not deciders:
        raise UserError("no_approvers", d=d)
    if user_id not in deciders:
        raise UserError("not_an_approver", d=d, approvers=deciders)


def _approver(room: Room, d: Deliverable) -> tuple[Approval, list[Approval]]:
    """The clicker's approval of an open sign-off, and all of them; refused to anyone else."""
    require_approver(room.session, d, room.request.user_id)
    rows = _rows(room, d, create=True)
    return next(r for r in rows if r.user_id == room.request.user_id), rows


def _decide(room: Room, row: Approval, state: str, file_id: str | None, *, note: str | None = None) -> None:
    row.state, row.file_id, row.note, row.decided_at = state, file_id, note, room.request.now
    room.session.add(row)


def _current_file(room: Room, d: Deliverable) -> DeliverableFile | None:
    ups = room.bundle.upstream.get(d.id, [])
    return stored.latest_approvable(session=room.session, team_id=d.team_id, deliverable_ids=ups)


def standing(d: Deliverable, rows: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """(approver, state) of a sign-off's approvers, its owner standing in when none were named; None for a
    deliverable that is not a sign-off."""
    if not is_sign_off(d):
        return None
    if rows:
        return list(rows)
    return [(d.owner_id, PENDING)] if d.owner_id else []


def _ask(session: Session, release: Release, d: Deliverable, user: str, shared: DeliverableFile | None, *,
         again: bool) -> Post:  # fmt: skip
    lang = language_of(session, d.team_id, user)
    return Post(d.team_id, user, words.asked_dm(d, release, shared.name if shared else None, again=again, lang=lang))
