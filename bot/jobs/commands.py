"""A ``/release`` command's work after its ack: parsed, decided and saved in one transaction, then
answered on the command's response_url, in the workspace's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.release import dispatch
from bot.release.outcome import Request
from bot.release.parser import ParseError, parse
from bot.release.refusals import UserError
from bot.runtime.context import Runtime
from messages.render import Message
from storage import queries
from storage.db import session_scope
from storage.inbox import Item

log = logging.getLogger(__name__)


def answer(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """Parse, decide and save in one transaction; then (once the inbox lets go of the request) answer on the
    response_url and start the follow-ups."""
    request = request_of(item.body, item.received_at)
    runtime.directory.refresh(request.team_id, [request.user_id])  # Slack is asked before the transaction
    try:
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                return None  # done already, by a process that stopped before it could say so
            place = dispatch.locate(session=session, request=request)
            command = parse(item.body.get("text", ""), today=request.today(place.timezone))
            if isinstance(command, ParseError):
                raise UserError(command.key, usage=command.usage, **command.facts)
            outcome = dispatch.run(command, session=session, request=request, services=runtime.services, place=place)
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        # Its key went with the rolled-back transaction; kept on its own, a replay is not answered twice.
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                return None
        return lambda: _respond(runtime, request, runtime.refusal(refused, request.team_id))

    def then() -> None:
        _respond(runtime, request, outcome.reply.worded(runtime.language(request.team_id)), public=outcome.public)
        runtime.followup.submit(outcome.effects)

    return then


def answer_failure(runtime: Runtime, body: dict, reference: str) -> None:
    request = request_of(body, runtime.clock())
    _respond(runtime, request, runtime.our_fault(request.team_id, reference))


def _respond(runtime: Runtime, request: Request, message: Message, *, public: bool = False) -> None:
    """The answer is the person's only sign the command worked; if Slack refuses it, the log says so."""
    if not request.response_url:
        return
    payload = {"response_type": "in_channel" if public else "ephemeral", **message.as_kwargs()}
    try:
        runtime.followup.respond(request.response_url, payload)
    except Exception as error:  # noqa: BLE001 - the work is saved; a lost answer must not undo or repeat it
        log.warning("answer to /release not delivered: %r", error, extra={"slack_team": request.team_id})


def request_of(body: dict, now: datetime) -> Request:
    return Request(
        team_id=body.get("team_id", ""),
        user_id=body.get("user_id", ""),
        channel_id=body.get("channel_id", ""),
        now=now,
        response_url=body.get("response_url"),
    )
