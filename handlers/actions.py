"""Buttons: Snooze on the owner's morning DM."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond

from bot.outcome import Request
from handlers.runtime import Runtime
from messages import builders
from messages.ids import ActionId, SnoozeValue
from storage import queries
from storage.db import session_scope
from storage.models import DeliverableState


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.SNOOZE)
    def snooze(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        value = SnoozeValue.decode(action.get("value", "0:1"))
        user = body.get("user", {}).get("id", "")
        request = Request(team_id=body.get("team", {}).get("id", ""), user_id=user, channel_id="", now=runtime.clock())
        with session_scope(runtime.engine) as session:
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=value.deliverable_id
            )
            if deliverable is None or deliverable.state != DeliverableState.OPEN:
                message = builders.error("That deliverable is no longer open, so there is nothing to snooze.")
            else:
                person = runtime.directory.cached(session, request.team_id, user)
                today = request.now.astimezone(ZoneInfo(person.tz if person and person.tz else "UTC")).date()
                deliverable.snoozed_until = today + timedelta(days=value.days)
                session.add(deliverable)
                queries.log_activity(
                    session=session,
                    team_id=request.team_id,
                    actor_id=user,
                    action="snoozed",
                    at=request.now,
                    release_id=deliverable.release_id,
                    deliverable_id=deliverable.id,
                    until=deliverable.snoozed_until.isoformat(),
                    via="button",
                )
                message = builders.reply("reminders", "snoozed", deliverable, deliverable.snoozed_until)
        respond(replace_original=False, response_type="ephemeral", **message.as_kwargs())
