"""The ``/release`` slash command: parse, decide and save inside the ack; Slack work after it."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot import dispatch
from bot.commands import NewReleaseForm, ParseError, parse
from bot.errors import UserError
from bot.outcome import Request
from handlers.forms import open_new_release
from handlers.runtime import Runtime
from storage.db import session_scope

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.command("/release")
    def release_command(ack: Ack, body: dict) -> None:
        request = Request(
            team_id=body.get("team_id", ""),
            user_id=body.get("user_id", ""),
            channel_id=body.get("channel_id", ""),
            now=runtime.clock(),
            response_url=body.get("response_url"),
        )
        try:
            with session_scope(runtime.engine) as session:
                place = dispatch.locate(session=session, request=request)
                command = parse(body.get("text", ""), today=request.today(place.timezone))
                if isinstance(command, ParseError):
                    raise UserError(command.key, usage=command.usage, **command.facts)
                if not isinstance(command, NewReleaseForm):
                    outcome = dispatch.run(
                        command, session=session, request=request, services=runtime.services, place=place
                    )
        except UserError as refusal:
            reply = runtime.refusal(refusal, request.team_id)
            ack(response_type="ephemeral", **reply.as_kwargs())
            return
        if isinstance(command, NewReleaseForm):
            ack()
            open_new_release(runtime, request, body.get("trigger_id", ""))
            return
        ack(response_type="in_channel" if outcome.public else "ephemeral", **outcome.reply.as_kwargs())
        runtime.followup.submit(outcome.effects)
