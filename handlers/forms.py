"""Modals that start things: a new release (``/release new`` alone, or the Home button) and
"Add as deliverable" (a message shortcut in a release channel).

Submissions go through the same code as the typed commands; what the command would refuse
shows under the field at fault (``response_action: errors``), and nothing is saved.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond

from bot.release import deliverables, dispatch, slack_text
from bot.release.language import language_of
from bot.release.outcome import Post, Request
from bot.release.parser import Add, NewRelease
from bot.release.refusals import UserError
from bot.runtime.admission import request_key
from bot.runtime.context import Runtime
from handlers.actions import Replayed, first_time, request_from
from messages import builders, modals
from messages.ids import ActionId, Field, ShortcutId, ViewId
from messages.modals import MAX_FIELD_ERROR, AddFromMessage, Submitted
from messages.render import words
from storage import queries
from storage.db import session_scope


def register(app: App, runtime: Runtime) -> None:
    @app.action(ActionId.NEW_RELEASE)
    def new_release_button(ack: Ack, body: dict) -> None:
        ack()
        open_new_release(runtime, request_from(runtime, body), body["trigger_id"])

    @app.view(ViewId.NEW_RELEASE)
    def new_release_submitted(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        form = Submitted(view)
        request = request_from(runtime, body)
        title, day = form.text(Field.TITLE), form.day(Field.RELEASE_DATE)
        missing = [(f, what) for f, what, given in ((Field.TITLE, "title", title), (Field.RELEASE_DATE, "date", day))
                   if not given]  # fmt: skip
        if missing:
            w = words("forms", runtime.language(request.team_id))
            ack(response_action="errors", errors={f.value: str(w.missing(what)) for f, what in missing})
            return
        command = NewRelease(
            title=title,
            artist=form.text(Field.ARTIST) or None,
            release_date=day,
            playbook=form.option(Field.PLAYBOOK),
            pm=form.user(Field.PM),
            team=form.users(Field.TEAM),
        )
        try:
            with session_scope(runtime.engine) as session:
                first_time(session, request, request_key(req))
                place = dispatch.locate(session=session, request=request)
                outcome = dispatch.run(
                    command, session=session, request=request, services=runtime.services, place=place
                )
                dm_lang = language_of(session, request.team_id, request.user_id)  # the answer comes by DM
        except Replayed:
            ack()
            return
        except UserError as refusal:
            problem = refusal.text(runtime.language(request.team_id))
            ack(response_action="errors", errors={_field(refusal, Field.TITLE): problem[:MAX_FIELD_ERROR]})
            return
        ack()
        runtime.followup.submit(
            [Post(request.team_id, request.user_id, outcome.reply.worded(dm_lang)), *outcome.effects]
        )

    @app.shortcut(ShortcutId.ADD_AS_DELIVERABLE)
    def add_as_deliverable(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
        ack()
        request = request_from(runtime, body)
        message = body.get("message") or {}
        with session_scope(runtime.engine) as session:
            release = queries.release_in_channel(
                session=session, team_id=request.team_id, channel_id=request.channel_id
            )
        lang = runtime.language(request.team_id)
        if not deliverables.is_active(release):
            refusal = builders.error(str(words("forms", lang).not_a_release_channel()), lang=lang)
            runtime.after_ack(respond, response_type="ephemeral", **refusal.as_kwargs())
            return
        origin = AddFromMessage(release.id, request.channel_id, message.get("ts", ""))
        view = modals.add_deliverable(
            release,
            name=slack_text.name_from(message.get("text", "")),
            owner=slack_text.first_mention(message.get("text", ""), but=context.bot_user_id),
            origin=origin,
            lang=lang,
        )
        runtime.after_ack(runtime.sender.call, request.team_id, "views.open", trigger_id=body["trigger_id"], view=view)

    @app.view(ViewId.ADD_DELIVERABLE)
    def add_submitted(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        form = Submitted(view)
        name = form.text(Field.NAME)
        request = request_from(runtime, body)
        if not name:
            missing = words("forms", runtime.language(request.team_id)).missing("name")
            ack(response_action="errors", errors={Field.NAME.value: str(missing)})
            return
        origin = AddFromMessage.decode(view["private_metadata"])
        request = Request(request.team_id, request.user_id, origin.channel_id, request.now)
        try:
            with session_scope(runtime.engine) as session:
                first_time(session, request, request_key(req))
                room = _room(session, request, origin.release_id)
                command = Add(name=name, due=form.day(Field.DUE), owner=form.user(Field.OWNER))
                outcome = deliverables.add(room, command)
        except Replayed:
            ack()
            return
        except UserError as refusal:
            problem = refusal.text(runtime.language(request.team_id))
            ack(response_action="errors", errors={_field(refusal, Field.NAME): problem[:MAX_FIELD_ERROR]})
            return
        ack()
        runtime.followup.submit(
            [
                *outcome.effects,
                Post(request.team_id, origin.channel_id, outcome.reply.worded(runtime.language(request.team_id))),
            ]
        )


def open_new_release(runtime: Runtime, request: Request, trigger_id: str) -> None:
    """Open the new-release modal right after the ack (its trigger id lives three seconds)."""
    playbooks = list(runtime.services.catalogue.playbooks.values())
    view = modals.new_release(playbooks, creator=request.user_id, lang=runtime.language(request.team_id))
    runtime.after_ack(runtime.sender.call, request.team_id, "views.open", trigger_id=trigger_id, view=view)


def _room(session, request: Request, release_id: int) -> deliverables.Room:
    release = queries.get_release(session=session, team_id=request.team_id, release_id=release_id)
    deliverables.require_active(release, refusal="release_closed")
    return deliverables.Room(session, request, release, queries.load_bundle(session=session, release=release))


def _field(refusal: UserError, default: Field) -> str:
    """The modal field a refusal is about, or ``default``."""
    fields = {f.value for f in Field}
    return refusal.about if refusal.about in fields else default.value
