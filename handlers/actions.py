"""Buttons: Claim, Done, Block… and Snooze, wherever they are (checklist message, morning DM, App Home).

The change is the same as the matching ``/release`` subcommand; only the answer differs by
place. On a checklist message the message itself is updated after the ack and the clicker
gets a private note; on the morning DM the clicked row is replaced by the answer; on the App
Home the tab is republished with the answer on top.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltRequest, Respond

from bot.release import deliverables
from bot.release.language import language_of
from bot.release.outcome import Effect, Outcome, Post, RefreshHome, Request
from bot.release.parser import Block, Ref
from bot.release.refusals import UserError
from bot.runtime.admission import request_key
from bot.runtime.context import Runtime
from messages import builders, modals
from messages.ids import REASON_BLOCK, REASON_INPUT, ActionId, SnoozeValue, ViewId
from messages.modals import MAX_FIELD_ERROR
from messages.render import Message, context
from storage import queries
from storage.db import session_scope
from storage.models import DeliverableState


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.CLAIM)
    def claim(ack: Ack, body: dict, action: dict, respond: Respond, req: BoltRequest) -> None:
        ack()
        _on_deliverable(runtime, body, int(action["value"]), respond, _take, key=request_key(req))

    @app.action(ActionId.DONE)
    def done(ack: Ack, body: dict, action: dict, respond: Respond, req: BoltRequest) -> None:
        ack()
        _on_deliverable(runtime, body, int(action["value"]), respond, _finish, key=request_key(req))

    @app.action(ActionId.SNOOZE)
    @app.action(ActionId.SNOOZE_WEEK)
    def snooze(ack: Ack, body: dict, action: dict, respond: Respond, req: BoltRequest) -> None:
        ack()
        value = SnoozeValue.decode(action.get("value", ""))
        _on_deliverable(
            runtime,
            body,
            value.deliverable_id,
            respond,
            lambda room, d: deliverables.snooze_for(room, d, value.until),
            key=request_key(req),
        )

    @app.action(ActionId.BLOCK)
    def block(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        """Open the reason modal at once: a trigger id lives three seconds."""
        ack()
        request = request_from(runtime, body)
        try:
            with session_scope(runtime.engine) as session:
                deliverable = queries.get_deliverable(
                    session=session, team_id=request.team_id, deliverable_id=int(action["value"])
                )
                if deliverable is None or deliverable.state != DeliverableState.OPEN:
                    raise UserError("not_open_any_more")
                deliverables.require_active(
                    queries.get_release(session=session, team_id=request.team_id, release_id=deliverable.release_id)
                )
        except UserError as refusal:
            _answer(runtime, body, request, respond, _refusal(runtime, body, request, refusal))
            return
        view = modals.block_reason(deliverable, lang=_language(runtime, body, request))
        runtime.after_ack(runtime.sender.call, request.team_id, "views.open", trigger_id=body["trigger_id"], view=view)

    @app.view(ViewId.BLOCK_REASON)
    def block_reason(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        reason = (view["state"]["values"][REASON_BLOCK][REASON_INPUT].get("value") or "").strip()
        request = request_from(runtime, body)
        try:
            if not reason:
                raise UserError("block_reason")
            with session_scope(runtime.engine) as session:
                first_time(session, request, request_key(req))
                deliverable = queries.get_deliverable(
                    session=session, team_id=request.team_id, deliverable_id=int(view["private_metadata"])
                )
                if deliverable is None:
                    raise UserError("deliverable_gone")
                room, deliverable = deliverables.room_for(session, request, deliverable)
                outcome = deliverables.block(room, Block(Ref((deliverable.key,), explicit=True), reason))
        except Replayed:
            ack()
            return
        except UserError as refusal:
            problem = refusal.text(runtime.language(request.team_id))
            ack(response_action="errors", errors={REASON_BLOCK: problem[:MAX_FIELD_ERROR]})
            return
        ack()
        runtime.followup.submit(
            [
                *outcome.effects,
                Post(
                    room.release.team_id,
                    room.release.channel_id,
                    outcome.reply.worded(runtime.language(request.team_id)),
                ),
            ]
        )


def request_from(runtime: Runtime, body: dict) -> Request:
    """Who clicked or submitted, in which workspace and channel (none for views)."""
    user = body.get("user", {})
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return Request(team_id=team, user_id=user.get("id", ""), channel_id=channel, now=runtime.clock())


class Replayed(Exception):
    """The same signed request came again: it changes nothing, and nobody hears of it twice."""


def first_time(session, request: Request, key: str | None) -> None:
    """Record the request's key (:func:`bot.runtime.admission.request_key`) in the transaction of its change;
    raise :class:`Replayed` when it is recorded already. Without a key (Socket Mode) every request is new."""
    if key is not None and not queries.mark_processed(
        session=session, team_id=request.team_id, event_id=key, now=request.now
    ):
        raise Replayed()


def refusal_is_new(runtime: Runtime, request: Request, key: str | None) -> bool:
    """A refused request's transaction was rolled back with its key: record the key on its own, so that a
    replay of it is not answered twice."""
    try:
        with session_scope(runtime.engine) as session:
            first_time(session, request, key)
    except Replayed:
        return False
    return True


def _on_deliverable(
    runtime: Runtime, body: dict, deliverable_id: int, respond: Respond, change: Callable, *, key: str | None
) -> None:
    """Apply ``change`` to one deliverable as the clicking person, then answer them where they clicked."""
    request = request_from(runtime, body)
    try:
        with session_scope(runtime.engine) as session:
            first_time(session, request, key)
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=deliverable_id
            )
            if deliverable is None or deliverable.state == DeliverableState.REMOVED:
                raise UserError("not_in_release")
            room, deliverable = deliverables.room_for(session, request, deliverable)
            outcome: Outcome = change(room, deliverable)
    except Replayed:
        return
    except UserError as refusal:
        if refusal_is_new(runtime, request, key):
            _answer(runtime, body, request, respond, _refusal(runtime, body, request, refusal))
        return
    reply = outcome.reply.worded(_language(runtime, body, request))
    _answer(runtime, body, request, respond, reply, effects=outcome.effects)


def _personal(body: dict, request: Request) -> bool:
    return (body.get("container") or {}).get("type") == "view" or request.channel_id.startswith("D")


def _refusal(runtime: Runtime, body: dict, request: Request, refusal: UserError) -> Message:
    """A refusal in the language of the answers where the click happened (see ``_language``)."""
    lang = _language(runtime, body, request)
    return builders.error(refusal.text(lang), refusal.usage, lang=lang)


def _language(runtime: Runtime, body: dict, request: Request) -> str:
    """The clicker's own language where only they read it (a DM, the Home); the workspace's on a channel."""
    if not _personal(body, request):
        return runtime.language(request.team_id)
    with session_scope(runtime.engine) as session:
        return language_of(session, request.team_id, request.user_id)


def _take(room: deliverables.Room, deliverable) -> Outcome:
    return deliverables.take(room, deliverable, room.request.user_id)


def _finish(room: deliverables.Room, deliverable) -> Outcome:
    return deliverables.finish(room, deliverable, via="button")


def _answer(
    runtime: Runtime, body: dict, request: Request, respond: Respond, reply: Message, *, effects: list[Effect] = ()
) -> None:
    """Answer the clicker after the ack: on their Home, in the DM row they clicked, or privately in the channel."""
    if (body.get("container") or {}).get("type") == "view":
        runtime.followup.submit(_home_notice(effects, request, reply.text))
        return
    runtime.followup.submit(effects)
    if request.channel_id.startswith("D") and body.get("message"):
        runtime.after_ack(respond, replace_original=True, **_row_answered(body, reply).as_kwargs())
    else:
        runtime.after_ack(respond, replace_original=False, response_type="ephemeral", **reply.as_kwargs())


def _home_notice(effects: list[Effect], request: Request, notice: str) -> list[Effect]:
    """The clicker's Home is republished once, with the answer on top; other owners' without it."""
    others = [
        RefreshHome(e.team_id, tuple(u for u in e.user_ids if u != request.user_id))
        for e in effects
        if isinstance(e, RefreshHome)
    ]
    rest = [e for e in effects if not isinstance(e, RefreshHome)]
    return [*rest, *(e for e in others if e.user_ids), RefreshHome(request.team_id, (request.user_id,), notice)]


def _row_answered(body: dict, reply: Message) -> Message:
    """The DM as it was, with the clicked row of buttons replaced by the answer."""
    message = body["message"]
    clicked = body["actions"][0].get("block_id")
    blocks = [context(reply.text) if block.get("block_id") == clicked else block for block in message.get("blocks", [])]
    return Message(text=message.get("text", reply.text), blocks=blocks)
