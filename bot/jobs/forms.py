"""A submitted form's work after its ack: the new-release form, "Add as deliverable", the Block reason and a
sign-off's Request changes note.

The handler has already shown under its field whatever the payload alone shows to be wrong; what only the
database can tell (a timezone's today, a name taken, a release archived meanwhile) comes back here as a
refusal sent to the person: by DM for a new release or a block, privately in the channel for an add.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.jobs.clicks import request_from
from bot.release import deliverables, dispatch, slack_text
from bot.release.artist import approvals
from bot.release.calendar import calendar_of
from bot.release.language import language_of
from bot.release.outcome import Post, Request
from bot.release.parser import Add, Block, NewRelease, Ref
from bot.release.refusals import UserError
from bot.runtime.context import Runtime
from messages import builders, modals
from messages.ids import Field, ViewId
from messages.modals import AddFromMessage, BlockReasonFor, Submitted
from messages.render import words
from storage import queries
from storage.db import session_scope
from storage.inbox import Item

log = logging.getLogger(__name__)


def apply(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """The form's work, once per submission: its key is recorded with the change (or, refused, on its own),
    so a replayed submission changes nothing and is answered nothing."""
    view = item.body["view"]
    request = request_from(item.body, item.received_at)
    work = {ViewId.NEW_RELEASE: _new_release, ViewId.ADD_DELIVERABLE: _add, ViewId.BLOCK_REASON: _block,
            ViewId.CHANGES_REASON: _changes}  # fmt: skip
    return work[view["callback_id"]](runtime, request, view, item.key)


class _Replayed(Exception):
    """This submission's key is recorded already: its work was done."""


def _first_time(session, request: Request, key: str) -> None:
    if not queries.mark_processed(session=session, team_id=request.team_id, event_id=key, now=request.now):
        raise _Replayed()


def _refused(runtime: Runtime, request: Request, key: str, where: str, refusal: UserError) -> Callable[[], None] | None:
    """The refusal to send, unless a replay of this submission was refused already."""
    with session_scope(runtime.engine) as session:
        if not queries.mark_processed(session=session, team_id=request.team_id, event_id=key, now=request.now):
            return None
    return lambda: _tell(runtime, request, where, refusal)


def open_new_release_form(runtime: Runtime, request: Request, trigger_id: str) -> None:
    playbooks = list(runtime.services.catalogue.playbooks.values())
    view = modals.new_release(playbooks, creator=request.user_id, lang=runtime.language(request.team_id))
    runtime.sender.call(request.team_id, "views.open", trigger_id=trigger_id, view=view)


def open_add_form(runtime: Runtime, body: dict, bot_user_id: str | None) -> None:
    """The "Add as deliverable" form for a message in a release channel, or privately why not."""
    request = request_from(body, runtime.clock())
    message = body.get("message") or {}
    with session_scope(runtime.engine) as session:
        release = queries.release_in_channel(session=session, team_id=request.team_id, channel_id=request.channel_id)
        lang = language_of(session, request.team_id)
    if not deliverables.is_active(release):
        refusal = builders.error(str(words("forms", lang).not_a_release_channel()), lang=lang)
        runtime.followup.respond(body["response_url"], {"response_type": "ephemeral", **refusal.as_kwargs()})
        return
    view = modals.add_deliverable(
        release,
        name=slack_text.name_from(message.get("text", "")),
        owner=slack_text.first_mention(message.get("text", ""), but=bot_user_id),
        origin=AddFromMessage(release.id, release.release_date, request.channel_id, message.get("ts", ""), lang),
        lang=lang,
    )
    runtime.sender.call(request.team_id, "views.open", trigger_id=body["trigger_id"], view=view)


def new_release_command(form: Submitted) -> NewRelease:
    return NewRelease(
        title=form.text(Field.TITLE),
        artist=form.text(Field.ARTIST) or None,
        release_date=form.day(Field.RELEASE_DATE),
        playbook=form.option(Field.PLAYBOOK),
        pm=form.user(Field.PM),
        team=form.users(Field.TEAM),
    )


def _new_release(runtime: Runtime, request: Request, view: dict, key: str) -> Callable[[], None] | None:
    command = new_release_command(Submitted(view))
    runtime.directory.refresh(request.team_id, [request.user_id])  # Slack is asked before the transaction
    try:
        with session_scope(runtime.engine) as session:
            _first_time(session, request, key)
            place = dispatch.locate(session=session, request=request)
            outcome = dispatch.run(command, session=session, request=request, services=runtime.services, place=place)
            dm_lang = language_of(session, request.team_id, request.user_id)  # the answer comes by DM
    except _Replayed:
        return None
    except UserError as refusal:
        return _refused(runtime, request, key, request.user_id, refusal)
    return lambda: runtime.followup.submit(
        [Post(request.team_id, request.user_id, outcome.reply.worded(dm_lang)), *outcome.effects]
    )


def _add(runtime: Runtime, request: Request, view: dict, key: str) -> Callable[[], None] | None:
    form, origin = Submitted(view), AddFromMessage.decode(view["private_metadata"])
    request = Request(request.team_id, request.user_id, origin.channel_id, request.now)
    runtime.directory.refresh(request.team_id, [request.user_id])
    runtime.rosters.ensure(request.team_id, channel_id=origin.channel_id)
    try:
        with session_scope(runtime.engine) as session:
            _first_time(session, request, key)
            release = queries.get_release(session=session, team_id=request.team_id, release_id=origin.release_id)
            deliverables.require_active(release, refusal="release_closed")
            bundle = queries.load_bundle(session=session, release=release)
            workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
            room = deliverables.Room(session, request, release, bundle, calendar_of(workspace),
                                     admins=runtime.services.admins)  # fmt: skip
            room.require_member()
            command = Add(name=form.text(Field.NAME), due=form.day(Field.DUE), owner=form.user(Field.OWNER))
            outcome = deliverables.add(room, command)
    except _Replayed:
        return None
    except UserError as refusal:
        return _refused(runtime, request, key, origin.channel_id, refusal)
    reply = outcome.reply.worded(runtime.language(request.team_id))
    return lambda: runtime.followup.submit([*outcome.effects, Post(request.team_id, origin.channel_id, reply)])


def _block(runtime: Runtime, request: Request, view: dict, key: str) -> Callable[[], None] | None:
    return _reasoned(runtime, request, view, key, members_only=True, change=_blocked)


def _blocked(room: deliverables.Room, d, reason: str):
    return deliverables.block(room, Block(Ref((d.key,), explicit=True), reason))


def _changes(runtime: Runtime, request: Request, view: dict, key: str) -> Callable[[], None] | None:
    """Request changes…: for the sign-off's approvers, who need not be in its channel."""
    return _reasoned(runtime, request, view, key, members_only=False, change=approvals.request_changes)


def _reasoned(
    runtime: Runtime, request: Request, view: dict, key: str, *, members_only: bool, change: Callable
) -> Callable[[], None] | None:
    """A reason form's change to its deliverable, announced in the release's channel."""
    reason, wanted = Submitted(view).reason(), BlockReasonFor.decode(view["private_metadata"])
    runtime.directory.refresh(request.team_id, [request.user_id])
    runtime.rosters.ensure(request.team_id, deliverable_id=wanted.deliverable_id)
    try:
        with session_scope(runtime.engine) as session:
            _first_time(session, request, key)
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=wanted.deliverable_id
            )
            if deliverable is None:
                raise UserError("deliverable_gone")
            room, deliverable = deliverables.room_for(session, request, deliverable, admins=runtime.services.admins,
                                                      members_only=members_only)  # fmt: skip
            outcome = change(room, deliverable, reason)
    except _Replayed:
        return None
    except UserError as refusal:
        return _refused(runtime, request, key, request.user_id, refusal)
    reply = outcome.reply.worded(runtime.language(request.team_id))
    return lambda: runtime.followup.submit(
        [*outcome.effects, Post(room.release.team_id, room.release.channel_id, reply)]
    )


def _tell(runtime: Runtime, request: Request, where: str, refusal: UserError) -> None:
    """A refusal the form could not show under its field: by DM (``where`` is the person) or privately in a
    channel, in the language the person reads there."""
    with session_scope(runtime.engine) as session:
        personal = where == request.user_id
        lang = language_of(session, request.team_id, request.user_id if personal else None)
    message = builders.error(refusal.text(lang), refusal.usage, lang=lang)
    if not runtime.sender.privately(request.team_id, None if personal else where, request.user_id, message):
        log.warning("a form's refusal was not delivered", extra={"slack_team": request.team_id})
