"""The ``/release`` slash command: parse, decide and save inside the ack; Slack work after it."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot import dispatch
from bot.commands import ParseError, parse
from bot.errors import UserError
from bot.outcome import Request
from handlers.runtime import Runtime
from messages import builders
from storage import queries
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
                today = request.today(_timezone(session, request))
                command = parse(body.get("text", ""), today=today)
                if isinstance(command, ParseError):
                    raise UserError(command.message, command.usage)
                services = runtime.services
                outcome = dispatch.run(command, session=session, request=request, services=services)
        except UserError as refusal:
            ack(response_type="ephemeral", **builders.error(refusal.message, refusal.usage).as_kwargs())
            return
        ack(response_type="in_channel" if outcome.public else "ephemeral", **outcome.reply.as_kwargs())
        runtime.followup.submit(outcome.effects)


def _timezone(session, request: Request) -> str:
    """Relative dates ("next friday") are read in the release's timezone, else the workspace's."""
    release = queries.release_in_channel(session=session, team_id=request.team_id, channel_id=request.channel_id)
    if release is not None:
        return release.timezone
    return queries.get_or_create_workspace(session=session, team_id=request.team_id).timezone
