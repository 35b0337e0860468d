"""Reactions on checklist messages: ✅ marks done, ✋ claims; removing them undoes that.

Bolt acks events before listeners run. Each event id is recorded in the same transaction
as its change, so Slack's retries (``X-Slack-Retry-Num``) and duplicates change nothing.
Reactions on any other message are ignored.
"""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot import working
from bot.errors import UserError
from bot.outcome import Request
from handlers.runtime import Runtime
from storage import queries
from storage.db import session_scope
from storage.models import DeliverableState

DONE_REACTIONS = frozenset({"white_check_mark", "heavy_check_mark", "ballot_box_with_check"})
CLAIM_REACTIONS = frozenset({"raised_hand", "raising_hand"})


def register(app: App, runtime: Runtime) -> None:
    @app.event("reaction_added")
    def reaction_added(body: dict, event: dict, context: BoltContext) -> None:
        handle_reaction(runtime, body, event, context, added=True)

    @app.event("reaction_removed")
    def reaction_removed(body: dict, event: dict, context: BoltContext) -> None:
        handle_reaction(runtime, body, event, context, added=False)


def handle_reaction(runtime: Runtime, body: dict, event: dict, context: BoltContext, *, added: bool) -> None:
    name = event.get("reaction", "").split("::")[0]  # skin tones arrive as raised_hand::skin-tone-3
    item = event.get("item") or {}
    user = event.get("user", "")
    if name not in DONE_REACTIONS | CLAIM_REACTIONS or item.get("type") != "message" or user == context.bot_user_id:
        return
    team_id = body.get("team_id") or context.team_id or ""
    request = Request(team_id=team_id, user_id=user, channel_id=item.get("channel", ""), now=runtime.clock())
    try:
        with session_scope(runtime.engine) as session:
            deliverable = queries.deliverable_by_message(
                session=session, team_id=team_id, channel_id=request.channel_id, ts=item.get("ts", "")
            )
            if deliverable is None or deliverable.state == DeliverableState.REMOVED:
                return
            if not queries.claim_event(session=session, team_id=team_id, event_id=_event_id(body), now=request.now):
                return
            room, deliverable = working.room_for(session, request, deliverable)
            outcome = _apply(room, deliverable, name, user, added=added)
    except UserError as refusal:
        runtime.after_ack(
            runtime.sender.ephemeral, team_id, request.channel_id, user, runtime.refusal(refusal, team_id)
        )
        return
    if outcome is not None:
        runtime.followup.submit(outcome.effects)


def _apply(room: working.Room, deliverable, name: str, user: str, *, added: bool):
    session = room.session
    if name in DONE_REACTIONS:
        if added:
            queries.add_reaction(session=session, deliverable=deliverable, user_id=user, name=name)
            return working.finish(room, deliverable, via="reaction")
        remaining = queries.remove_reaction(session=session, deliverable=deliverable, user_id=user, name=name)
        if remaining == 0 and deliverable.state == DeliverableState.DONE:
            return working.reopen_item(room, deliverable, via="reaction")
        return None
    if added:
        return working.take(room, deliverable, user)
    if deliverable.owner_id == user and deliverable.state == DeliverableState.OPEN:
        return working.release_claim(room, deliverable)
    return None


def _event_id(body: dict) -> str:
    """Old envelopes have no event_id; the event's own timestamp then identifies it."""
    event = body.get("event", {})
    return body.get("event_id") or f"{event.get('type')}:{event.get('event_ts')}:{event.get('user')}"
