"""A reaction's work after its ack: the change it makes (or a refusal, privately), with its event id
recorded in the same transaction, so a retry after that changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from bot.release import deliverables
from bot.release.outcome import Request
from bot.release.refusals import UserError
from bot.runtime.context import Runtime, event_id
from storage import queries
from storage.db import session_scope
from storage.inbox import Item
from storage.models import DeliverableState


def apply(runtime: Runtime, kept: Item) -> Callable[[], None] | None:
    """Record the reaction's change; the checklist update (or a refusal) goes to Slack after."""
    body, event = kept.body, kept.body["event"]
    name, message, user, team_id = reaction_name(event), event.get("item") or {}, event.get("user", ""), body["team_id"]
    request = Request(team_id=team_id, user_id=user, channel_id=message.get("channel", ""), now=kept.received_at)
    runtime.directory.refresh(team_id, [user])  # Slack is asked before the transaction
    runtime.rosters.ensure(team_id, channel_id=request.channel_id)
    try:
        with session_scope(runtime.engine) as session:
            deliverable = queries.deliverable_by_message(
                session=session, team_id=team_id, channel_id=request.channel_id, ts=message.get("ts", "")
            )
            if deliverable is None or deliverable.state == DeliverableState.REMOVED:
                return None
            if not queries.mark_processed(session=session, team_id=team_id, event_id=event_id(body), now=request.now):
                return None
            room, deliverable = deliverables.room_for(session, request, deliverable, admins=runtime.services.admins)
            outcome = deliverables.reacted(room, deliverable, name, user, added=event.get("type") == "reaction_added")
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        return lambda: _refuse(runtime, request, refused)
    return None if outcome is None else lambda: runtime.followup.submit(outcome.effects)


def _refuse(runtime: Runtime, request: Request, refusal: UserError) -> None:
    """A courtesy (the person sees the reaction did nothing): a lost one is only logged, by the sender."""
    runtime.sender.privately(
        request.team_id, request.channel_id, request.user_id, runtime.refusal(refusal, request.team_id)
    )


def reaction_name(event: dict) -> str:
    return event.get("reaction", "").split("::")[0]  # skin tones arrive as raised_hand::skin-tone-3
