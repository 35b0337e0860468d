"""A ``/release`` command's work after its ack: parsed, decided and saved in one transaction, then
answered on the command's response_url, in the workspace's language.

The answer is worded and saved in the work's own transaction and cleared once posted, so a process that
dies between the two leaves it to the one that resumes the request, which posts it then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.release import dispatch
from bot.release.language import language_of
from bot.release.outcome import Request
from bot.release.parser import ParseError, parse
from bot.release.refusals import UserError
from bot.release.slack_text import mentions
from bot.runtime.context import Runtime
from bot.runtime.stopping import Stopping
from messages.render import Message
from storage import queries
from storage.db import session_scope
from storage.inbox import Item

log = logging.getLogger(__name__)


def answer(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """Parse, decide and save in one transaction, with the answer; then (before the inbox lets go of the
    request) answer on the response_url and start the follow-ups."""
    request = request_of(item.body, item.received_at)
    # Slack is asked before the transaction: about the user, and whoever they name (an answer names them).
    runtime.directory.refresh(request.team_id, [request.user_id, *mentions(item.body.get("text", ""))])
    runtime.rosters.ensure(request.team_id, channel_id=request.channel_id)
    try:
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                # Done already, by a process that stopped before it could say so; its answer may still be due.
                kept = queries.kept_answer(session=session, team_id=request.team_id, event_id=item.key)
                return None if kept is None else lambda: _answer_kept(runtime, request, item.key, kept)
            place = dispatch.locate(session=session, request=request)
            command = parse(item.body.get("text", ""), today=request.today(place.timezone))
            if isinstance(command, ParseError):
                raise UserError(command.key, usage=command.usage, **command.facts)
            outcome = dispatch.run(command, session=session, request=request, services=runtime.services, place=place)
            reply = _payload(outcome.reply.worded(language_of(session, request.team_id)), public=outcome.public)
            if request.response_url:
                queries.keep_answer(session=session, team_id=request.team_id, event_id=item.key, answer=reply)
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        # Its key went with the rolled-back transaction; kept on its own, a replay is not answered twice.
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                return None
        return lambda: _respond(runtime, request, _payload(runtime.refusal(refused, request.team_id)))

    def then() -> None:
        _answer_kept(runtime, request, item.key, reply)
        runtime.followup.submit(outcome.effects)

    return then


def answer_failure(runtime: Runtime, body: dict, reference: str) -> None:
    request = request_of(body, runtime.clock())
    _respond(runtime, request, _payload(runtime.our_fault(request.team_id, reference)))


def _answer_kept(runtime: Runtime, request: Request, key: str, reply: dict) -> None:
    """Post the answer saved with the work, then clear it: from then on a resumed request has nothing to say."""
    if not request.response_url:
        return
    _respond(runtime, request, reply)
    with session_scope(runtime.engine) as session:
        queries.forget_answer(session=session, team_id=request.team_id, event_id=key)


def _payload(message: Message, *, public: bool = False) -> dict:
    return {"response_type": "in_channel" if public else "ephemeral", **message.as_kwargs()}


def _respond(runtime: Runtime, request: Request, payload: dict) -> None:
    """The answer is the person's only sign the command worked; if Slack refuses it, the log says so."""
    if not request.response_url:
        return
    try:
        runtime.followup.respond(request.response_url, payload)
    except Stopping:
        raise  # left, kept, to the process that resumes the request
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
