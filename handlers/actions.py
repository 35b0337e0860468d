"""Buttons and modals: Claim, Done and Block… on checklist messages, Snooze on the morning DM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond

from bot import working
from bot.commands import Block, Ref
from bot.errors import UserError
from bot.outcome import Outcome, Post, Request
from handlers.runtime import Runtime
from messages import builders
from messages.ids import REASON_BLOCK, REASON_INPUT, ActionId, SnoozeValue, ViewId
from storage import queries
from storage.db import session_scope
from storage.models import DeliverableState


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.CLAIM)
    def claim(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        _on_deliverable(
            runtime, body, int(action["value"]), respond, lambda room, d: working.take(room, d, room.request.user_id)
        )

    @app.action(ActionId.DONE)
    def done(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        _on_deliverable(
            runtime, body, int(action["value"]), respond, lambda room, d: working.finish(room, d, via="button")
        )

    @app.action(ActionId.BLOCK)
    def block(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        """Open the reason modal at once: a trigger id lives three seconds."""
        ack()
        request = _request(runtime, body)
        with session_scope(runtime.engine) as session:
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=int(action["value"])
            )
        if deliverable is None or deliverable.state != DeliverableState.OPEN:
            respond(replace_original=False, **builders.error("That deliverable is not open any more.").as_kwargs())
            return
        runtime.sender.call("views.open", trigger_id=body["trigger_id"], view=builders.block_modal(deliverable))

    @app.view(ViewId.BLOCK_REASON)
    def block_reason(ack: Ack, body: dict, view: dict) -> None:
        reason = (view["state"]["values"][REASON_BLOCK][REASON_INPUT].get("value") or "").strip()
        if not reason:
            ack(response_action="errors", errors={REASON_BLOCK: "Say what is blocking it."})
            return
        request = _request(runtime, body)
        try:
            with session_scope(runtime.engine) as session:
                deliverable = queries.get_deliverable(
                    session=session, team_id=request.team_id, deliverable_id=int(view["private_metadata"])
                )
                if deliverable is None:
                    raise UserError("That deliverable no longer exists.")
                room, deliverable = working.room_for(session, request, deliverable)
                outcome = working.block(room, Block(Ref((deliverable.key,), explicit=True), reason))
        except UserError as refusal:
            ack(response_action="errors", errors={REASON_BLOCK: refusal.message[:150]})
            return
        ack()
        runtime.followup.submit([*outcome.effects, Post(room.release.channel_id, outcome.reply)])

    @app.action(ActionId.SNOOZE)
    def snooze(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        value = SnoozeValue.decode(action.get("value", "0:1"))
        _on_deliverable(
            runtime, body, value.deliverable_id, respond, lambda room, d: _snooze(runtime, room, d, value.days)
        )


def _request(runtime: Runtime, body: dict) -> Request:
    user = body.get("user", {})
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    return Request(team_id=team, user_id=user.get("id", ""), channel_id=(body.get("channel") or {}).get("id", ""),
                   now=runtime.clock())  # fmt: skip


def _on_deliverable(runtime: Runtime, body: dict, deliverable_id: int, respond: Respond, change: Callable) -> None:
    """Apply ``change`` to one deliverable as the clicking person; answer them privately."""
    request = _request(runtime, body)
    try:
        with session_scope(runtime.engine) as session:
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=deliverable_id
            )
            if deliverable is None or deliverable.state == DeliverableState.REMOVED:
                raise UserError("That deliverable is no longer part of the release.")
            room, deliverable = working.room_for(session, request, deliverable)
            outcome: Outcome = change(room, deliverable)
    except UserError as refusal:
        respond(replace_original=False, response_type="ephemeral", **builders.error(refusal.message).as_kwargs())
        return
    runtime.followup.submit(outcome.effects)
    respond(replace_original=False, response_type="ephemeral", **outcome.reply.as_kwargs())


def _take(room: working.Room, deliverable) -> Outcome:
    return working.take(room, deliverable, room.request.user_id)


def _finish(room: working.Room, deliverable) -> Outcome:
    return working.finish(room, deliverable, via="button")


def _snoozer(runtime: Runtime, days: int) -> Callable:
    return lambda room, deliverable: _snooze(runtime, room, deliverable, days)


def _snooze(runtime: Runtime, room: working.Room, deliverable, days: int) -> Outcome:
    """Quiet reminders from the clicker's today (in their own timezone) for ``days`` days."""
    if deliverable.state != DeliverableState.OPEN:
        raise UserError("That deliverable is no longer open, so there is nothing to snooze.")
    person = runtime.directory.cached(room.session, room.request.team_id, room.request.user_id)
    today = room.request.now.astimezone(ZoneInfo(person.tz if person and person.tz else "UTC")).date()
    deliverable.snoozed_until = today + timedelta(days=days)
    room.session.add(deliverable)
    room.log("snoozed", deliverable, until=deliverable.snoozed_until.isoformat(), via="button")
    return Outcome(reply=builders.reply("reminders", "snoozed", deliverable, deliverable.snoozed_until))
