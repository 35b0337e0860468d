"""A button's work after its ack: Claim, Done and Snooze change one deliverable as the clicking person (the
same change as the typed subcommand), Accept catch-up plan a release's late dates; the answer goes where
the click happened. On a checklist message the message itself is updated and the clicker gets a private
note; on the morning DM the clicked row is replaced by the answer; on the App Home the tab is republished
with the answer on top.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlmodel import Session

from bot.release import deliverables
from bot.release.artist import approvals
from bot.release.foresight import catch_up_offers
from bot.release.language import language_of
from bot.release.outcome import Effect, Outcome, RefreshHome, Request
from bot.release.refusals import UserError
from bot.runtime.context import Runtime
from messages import approvals as approval_words
from messages import builders, modals
from messages.ids import ActionId, AssignBlock, CatchUpValue, SnoozeValue
from messages.render import Message, context
from storage import queries
from storage.db import session_scope
from storage.inbox import Item
from storage.models import Deliverable, DeliverableState

log = logging.getLogger(__name__)


def apply(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """Record the click's change, with its key, in one transaction; the answer goes to Slack after."""
    body = item.body
    action = body["actions"][0]
    request = request_from(body, item.received_at)
    # Slack is asked before the transaction: about the user, and whoever they picked (the answer names them).
    runtime.directory.refresh(request.team_id, [request.user_id, action.get("selected_user", "")])
    change = _release_change(runtime, request, action) or _deliverable_change(runtime, request, action)
    try:
        with session_scope(runtime.engine) as session:
            if not queries.mark_processed(session=session, team_id=request.team_id, event_id=item.key, now=request.now):
                return None
            outcome: Outcome = change(session)
            lang = _language(session, body, request)
    except UserError as refusal:
        refused = refusal  # the except clause unbinds its own name when it ends
        if not refusal_kept(runtime, request, item.key):
            return None
        return lambda: answer(runtime, body, request, _refusal(runtime, body, request, refused))
    reply = outcome.reply.worded(lang)
    return lambda: answer(runtime, body, request, reply, effects=outcome.effects)


def refusal_kept(runtime: Runtime, request: Request, key: str) -> bool:
    """Record a refused request's key on its own (it went with the rolled-back transaction), so a replay is not
    answered twice; False when it was recorded already."""
    with session_scope(runtime.engine) as session:
        return queries.mark_processed(session=session, team_id=request.team_id, event_id=key, now=request.now)


def open_block_form(runtime: Runtime, body: dict, deliverable_id: int) -> None:
    """After the ack: the "Block…" modal for a deliverable that is still open, or why not where it was clicked."""
    _open_form(runtime, body, deliverable_id, modals.block_reason)


def open_changes_form(runtime: Runtime, body: dict, deliverable_id: int) -> None:
    """After the ack: Request changes…'s note form for a sign-off that is still open, to its approvers."""
    _open_form(runtime, body, deliverable_id, approval_words.changes_form, may=approvals.require_approver)


def _open_form(
    runtime: Runtime, body: dict, deliverable_id: int, form: Callable[..., dict], *, may: Callable | None = None
) -> None:
    """``may`` refuses (UserError) a clicker who may not fill the form in."""
    request = request_from(body, runtime.clock())
    try:
        with session_scope(runtime.engine) as session:
            deliverable = queries.get_deliverable(
                session=session, team_id=request.team_id, deliverable_id=deliverable_id
            )
            if deliverable is None or deliverable.state != DeliverableState.OPEN:
                raise UserError("not_open_any_more")
            release = queries.get_release(session=session, team_id=request.team_id, release_id=deliverable.release_id)
            deliverables.require_active(release)
            if may is not None:
                may(session, deliverable, request.user_id)
            lang = _language(session, body, request)
    except UserError as refusal:
        answer(runtime, body, request, _refusal(runtime, body, request, refusal))
        return
    runtime.sender.call(request.team_id, "views.open", trigger_id=body["trigger_id"], view=form(deliverable, lang=lang))


def request_from(body: dict, now) -> Request:
    """Who clicked or submitted, in which workspace and channel (none for views)."""
    user = body.get("user", {})
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return Request(team_id=team, user_id=user.get("id", ""), channel_id=channel, now=now)


def answer(runtime: Runtime, body: dict, request: Request, reply: Message, *, effects: list[Effect] = ()) -> None:
    """Answer the clicker: on their Home, in the DM row they clicked, or privately in the channel."""
    if (body.get("container") or {}).get("type") == "view":
        runtime.followup.submit(_home_notice(effects, request, reply.text))
        return
    runtime.followup.submit(effects)
    url = body.get("response_url")
    if not url:
        return
    if request.channel_id.startswith("D") and body.get("message"):
        payload = {"replace_original": True, **_row_answered(body, reply).as_kwargs()}
    else:
        payload = {"replace_original": False, "response_type": "ephemeral", **reply.as_kwargs()}
    try:
        runtime.followup.respond(url, payload)
    except Exception as error:  # noqa: BLE001 - the change is saved; a lost answer must not undo or repeat it
        log.warning("answer to a click not delivered: %r", error, extra={"slack_team": request.team_id})


def _release_change(runtime: Runtime, request: Request, action: dict) -> Callable[[Session], Outcome] | None:
    """A button about a whole release (Accept catch-up plan), for its managers; None for any other."""
    if action["action_id"] != ActionId.ACCEPT_CATCH_UP:
        return None
    value = CatchUpValue.decode(action["value"])
    return lambda session: catch_up_offers.accept(session, request, value, admins=runtime.services.admins)


def _deliverable_change(runtime: Runtime, request: Request, action: dict) -> Callable[[Session], Outcome]:
    """A button about one deliverable, for the people in its release's channel."""
    deliverable_id, change = _change(action)
    runtime.rosters.ensure(request.team_id, deliverable_id=deliverable_id)

    # Approvers are named: a guest who approves by DM need not be in the release's channel.
    members_only = action["action_id"] != ActionId.APPROVE

    def changed(session: Session) -> Outcome:
        deliverable = _changeable(session, request, deliverable_id)
        room, deliverable = deliverables.room_for(session, request, deliverable, admins=runtime.services.admins,
                                                  members_only=members_only)  # fmt: skip
        return change(room, deliverable)

    return changed


def _change(action: dict) -> tuple[int, Callable[[deliverables.Room, Deliverable], Outcome]]:
    """Which deliverable a button is about and what it does to it (the handler checked the value already)."""
    if action["action_id"] in (ActionId.SNOOZE, ActionId.SNOOZE_WEEK):
        value = SnoozeValue.decode(action["value"])
        return value.deliverable_id, lambda room, d: deliverables.snooze_for(room, d, value.until)
    if action["action_id"] == ActionId.ASSIGN:
        chosen = action["selected_user"]
        return AssignBlock.decode(action["block_id"]), lambda room, d: deliverables.take(
            room, d, chosen, assigned_by=room.request.user_id
        )
    if action["action_id"] == ActionId.APPROVE:
        return int(action["value"]), approvals.approve
    if action["action_id"] == ActionId.CLAIM:
        return int(action["value"]), lambda room, d: deliverables.take(room, d, room.request.user_id)
    return int(action["value"]), lambda room, d: deliverables.finish(room, d, via="button")


def _changeable(session, request: Request, deliverable_id: int) -> Deliverable:
    deliverable = queries.get_deliverable(session=session, team_id=request.team_id, deliverable_id=deliverable_id)
    if deliverable is None or deliverable.state == DeliverableState.REMOVED:
        raise UserError("not_in_release")
    return deliverable


def _personal(body: dict, request: Request) -> bool:
    return (body.get("container") or {}).get("type") == "view" or request.channel_id.startswith("D")


def _language(session, body: dict, request: Request) -> str:
    """The clicker's own language where only they read it (a DM, the Home); the workspace's on a channel."""
    if _personal(body, request):
        return language_of(session, request.team_id, request.user_id)
    return language_of(session, request.team_id)


def _refusal(runtime: Runtime, body: dict, request: Request, refusal: UserError) -> Message:
    with session_scope(runtime.engine) as session:
        lang = _language(session, body, request)
    return builders.error(refusal.text(lang), refusal.usage, lang=lang)


def _home_notice(effects: list[Effect], request: Request, notice: str) -> list[Effect]:
    """The clicker's Home is republished once, with the answer on top; other owners' without it."""
    others = [
        RefreshHome(e.team_id, tuple(u for u in e.user_ids if u != request.user_id))
        for e in effects
        if isinstance(e, RefreshHome)
    ]
    rest = [e for e in effects if not isinstance(e, RefreshHome)]
    return [*rest, *(e for e in others if e.user_ids), RefreshHome(request.team_id, (request.user_id,), notice)]


def _row_answered(body: dict, reply: Message) -> Message:
    """The DM as it was, with the clicked row of buttons replaced by the answer."""
    message = body["message"]
    clicked = body["actions"][0].get("block_id")
    blocks = [context(reply.text) if block.get("block_id") == clicked else block for block in message.get("blocks", [])]
    return Message(text=message.get("text", reply.text), blocks=blocks)
