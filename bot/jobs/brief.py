"""The PM's decisions on the artist's weekly brief, after the ack: Skip and Edit change the brief and rewrite
the DM; Send claims the brief in one transaction, then posts exactly its text to the brief channel, outside
it. A replayed click is recognised by its inbox key, and a second click finds the brief decided: nothing more
is posted. A post Slack refuses puts the brief back, and the DM says how to fix it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from slack_sdk.errors import SlackApiError

from bot.jobs.clicks import refusal_kept, request_from
from bot.release.artist import brief
from bot.release.calendar import local
from bot.release.language import language_of
from bot.release.outcome import Request
from bot.release.refusals import UserError
from bot.runtime.context import Runtime
from bot.slack.sender import error_code
from messages import brief as brief_words
from messages import builders, modals
from messages.ids import ActionId, Field
from messages.modals import BriefEditFor, Submitted
from messages.render import Message
from storage import brief as stored
from storage import queries
from storage.db import session_scope
from storage.inbox import Item
from storage.models import BriefState, Release

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Dm:
    """The PM's DM that offers the brief: where its answers go."""

    channel_id: str
    ts: str


class _Replayed(Exception):
    """This click or submission's key is recorded already: its work was done."""


def apply(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    body = item.body
    request = request_from(body, item.received_at)
    runtime.directory.refresh(request.team_id, [request.user_id])  # whether they are an admin, before the transaction
    if body.get("type") == "view_submission":
        origin = BriefEditFor.decode(body["view"]["private_metadata"])
        work = partial(_edit, text=Submitted(body["view"]).text(Field.BRIEF), dm=_Dm(origin.channel_id,
                                                                                      origin.message_ts))  # fmt: skip
        brief_id = origin.brief_id
    else:
        container, action = body["container"], body["actions"][0]
        work = partial(_send if action["action_id"] == ActionId.BRIEF_SEND else _skip,
                       dm=_Dm(container["channel_id"], container["message_ts"]))  # fmt: skip
        brief_id = int(action["value"])
    try:
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                raise _Replayed()
            lookup = partial(queries.get_person, session=session, team_id=request.team_id, user_id=request.user_id)
            row, release = brief.decidable(session, request, brief_id, lookup=lookup, admins=runtime.services.admins)
            lang = language_of(session, request.team_id, request.user_id)
            return work(runtime, request, row, release, lang)
    except _Replayed:
        sending = body.get("type") != "view_submission" and body["actions"][0]["action_id"] == ActionId.BRIEF_SEND
        return _unposted(runtime, request, brief_id, work.keywords["dm"]) if sending else None
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        if not refusal_kept(runtime, request, item.key):
            return None
        with session_scope(runtime.engine) as session:
            lang = language_of(session, request.team_id, request.user_id)
        return lambda: _refuse(runtime, body, request, builders.error(refused.text(lang), lang=lang))


def open_edit_form(runtime: Runtime, body: dict, brief_id: int) -> None:
    """After the ack: the edit modal, prefilled with what Send would post now, or privately why not."""
    request = request_from(body, runtime.clock())
    container = body["container"]
    try:
        with session_scope(runtime.engine) as session:
            lookup = partial(queries.get_person, session=session, team_id=request.team_id, user_id=request.user_id)
            row, _ = brief.decidable(session, request, brief_id, lookup=lookup, admins=runtime.services.admins)
            lang = language_of(session, request.team_id, request.user_id)
            text = row.text
    except UserError as refusal:
        with session_scope(runtime.engine) as session:
            lang = language_of(session, request.team_id, request.user_id)
        _refuse(runtime, body, request, builders.error(refusal.text(lang), lang=lang))
        return
    origin = BriefEditFor(brief_id, container["channel_id"], container["message_ts"], lang)
    view = modals.brief_edit(text, origin)
    runtime.sender.call(request.team_id, "views.open", trigger_id=body["trigger_id"], view=view)


def _edit(runtime: Runtime, request: Request, row, release: Release, lang: str, *, text: str, dm: _Dm):
    brief.edit(row, text, request)
    message = brief_words.offer(row.id, release, row.channel_id, row.text, edited_by=request.user_id, lang=lang)
    return lambda: _rewrite(runtime, request, dm, message)


def _skip(runtime: Runtime, request: Request, row, release: Release, lang: str, *, dm: _Dm):
    brief.decide(row, BriefState.SKIPPED, request)
    at = local(request.now, release.timezone)
    message = brief_words.skipped(release, row.text, by=request.user_id, at=at, lang=lang)
    return lambda: _rewrite(runtime, request, dm, message)


def _send(runtime: Runtime, request: Request, row, release: Release, lang: str, *, dm: _Dm):
    """Claimed as sent with this transaction: a click that comes after finds it decided and posts nothing."""
    brief.decide(row, BriefState.SENT, request)
    claimed = (row.id, row.channel_id, row.text)
    return lambda: _post(runtime, request, dm, release, claimed, lang)


def _unposted(runtime: Runtime, request: Request, brief_id: int, dm: _Dm) -> Callable[[], None] | None:
    """A Send whose claim was saved by a process that stopped before it posted: the one that resumes the click
    posts it now. A click Slack sends again after the post finds ``posted_ts`` and posts nothing."""
    with session_scope(runtime.engine) as session:
        row = stored.locked(session=session, team_id=request.team_id, brief_id=brief_id)
        if row is None or row.state != BriefState.SENT or row.posted_ts is not None or row.decided_by is None:
            return None
        release = session.get(Release, row.release_id)
        lang = language_of(session, request.team_id, row.decided_by)
        claimed = (row.id, row.channel_id, row.text)
    return lambda: _post(runtime, request, dm, release, claimed, lang)


def _post(runtime: Runtime, request: Request, dm: _Dm, release: Release, claimed: tuple, lang: str) -> None:
    brief_id, channel, text = claimed
    try:
        posted = runtime.sender.post(request.team_id, channel, brief_words.post(text))
    except (SlackApiError, OSError) as error:  # refused, or the network gave out: not posted either way
        code = error_code(error) if isinstance(error, SlackApiError) else type(error).__name__
        ids = {"slack_team": request.team_id, "slack_channel": channel, "release_id": release.id}
        log.warning("brief %s not posted to %s: %s", brief_id, channel, code, extra=ids)
        with session_scope(runtime.engine) as session:  # back to drafted: Send again once it is fixed
            row = stored.locked(session=session, team_id=request.team_id, brief_id=brief_id)
            row.state, row.decided_by, row.decided_at = BriefState.DRAFTED, None, None
            session.add(row)
        problem = brief_words.not_posted(channel, code, lang=lang)
        _rewrite(runtime, request, dm, brief_words.offer(brief_id, release, channel, text, problem=problem, lang=lang))
        return
    with session_scope(runtime.engine) as session:
        row = stored.locked(session=session, team_id=request.team_id, brief_id=brief_id)
        row.posted_ts = posted.get("ts")
        session.add(row)
    at = local(request.now, release.timezone)
    _rewrite(runtime, request, dm, brief_words.sent(release, channel, text, by=request.user_id, at=at, lang=lang))


def _rewrite(runtime: Runtime, request: Request, dm: _Dm, message: Message) -> None:
    """The DM that offered the brief, as it stands now."""
    try:
        runtime.sender.update(request.team_id, dm.channel_id, dm.ts, message)
    except SlackApiError as error:  # the decision is saved; a DM left as it was must not undo or repeat it
        log.warning("brief DM not updated: %s", error_code(error), extra={"slack_team": request.team_id})


def _refuse(runtime: Runtime, body: dict, request: Request, message: Message) -> None:
    """Privately, where they clicked (or, from the modal, by DM); the DM stays as it was."""
    url = body.get("response_url")
    try:
        if url:
            runtime.followup.respond(url, {"replace_original": False, "response_type": "ephemeral",
                                           **message.as_kwargs()})  # fmt: skip
        else:
            runtime.sender.privately(request.team_id, None, request.user_id, message)
    except Exception as error:  # noqa: BLE001 - nothing was changed; a lost refusal must not repeat the work
        log.warning("a brief refusal was not delivered: %r", error, extra={"slack_team": request.team_id})
