"""An Apply click's work after its ack: the label's next playbook version, written once, and the answer to
the clicker alone. A replayed click is recognised by its inbox key; a second click on the same suggestion
finds the playbook already past the version it was made for, and changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from bot.jobs.clicks import refusal_kept, request_from
from bot.release.calendar import calendar_of
from bot.release.language import language_of
from bot.release.memory import recall
from bot.release.outcome import Request
from bot.release.refusals import UserError
from bot.runtime.context import Runtime
from messages import builders
from messages.ids import SuggestionValue
from messages.render import Message
from storage import queries
from storage.db import session_scope
from storage.inbox import Item

log = logging.getLogger(__name__)


def apply(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    body = item.body
    request = request_from(body, item.received_at)
    value = SuggestionValue.decode(body["actions"][0]["value"])
    runtime.directory.refresh(request.team_id, [request.user_id])  # whether they are an admin, before the transaction
    try:
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                return None
            workspace = queries.get_or_create_workspace(session=session, team_id=request.team_id)
            outcome = recall.apply_suggestion(
                value,
                session=session,
                request=request,
                defaults=runtime.services.catalogue.playbooks,
                calendar=calendar_of(workspace),
                lookup=partial(queries.get_person, session=session, team_id=request.team_id, user_id=request.user_id),
                admins=runtime.services.admins,
            )
            reply = outcome.reply.worded(language_of(session, request.team_id, request.user_id))
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        if not refusal_kept(runtime, request, item.key):
            return None
        with session_scope(runtime.engine) as session:
            lang = language_of(session, request.team_id, request.user_id)
        return lambda: _answer(runtime, body, request, builders.error(refused.text(lang), lang=lang))
    return lambda: _answer(runtime, body, request, reply)


def _answer(runtime: Runtime, body: dict, request: Request, reply: Message) -> None:
    """Privately, where the button was: the message with the suggestion stays as it was."""
    url = body.get("response_url")
    if not url:
        return
    try:
        runtime.followup.respond(url, {"replace_original": False, "response_type": "ephemeral", **reply.as_kwargs()})
    except Exception as error:  # noqa: BLE001 - the change is saved; a lost answer must not undo or repeat it
        log.warning("answer to an Apply click not delivered: %r", error, extra={"slack_team": request.team_id})
