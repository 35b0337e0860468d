"""Modals that start things: a new release (``/release new`` alone, or the Home button) and
"Add as deliverable" (a message shortcut in a release channel); and the reason forms of Block… and of a
sign-off's Request changes….

A submission is checked from its payload alone: what it shows to be wrong (a field left empty, a date
past everywhere, a playbook that does not exist) comes back under the field at fault
(``response_action: errors``) and nothing is kept. Otherwise it is kept in the inbox and acknowledged,
and its work (:mod:`bot.jobs.forms`) follows: the ack never waits on the database.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, BoltRequest

from bot.jobs import forms as jobs
from bot.jobs.clicks import request_from
from bot.release import bounds
from bot.release.outcome import Request
from bot.release.parser import USAGE, Add
from bot.release.refusals import UserError
from bot.runtime.admission import request_key
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from messages.ids import REASON_BLOCK, ActionId, Field, ShortcutId, ViewId
from messages.modals import MAX_FIELD_ERROR, AddFromMessage, BlockReasonFor, Submitted, language_of_form
from messages.render import words

log = logging.getLogger(__name__)

KIND = "form"


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(KIND, Kind(work=lambda item: jobs.apply(runtime, item)))

    @app.action(ActionId.NEW_RELEASE)
    def new_release_button(ack: Ack, body: dict) -> None:
        ack()
        open_new_release(runtime, request_from(body, runtime.clock()), body["trigger_id"])

    @app.view(ViewId.NEW_RELEASE)
    def new_release_submitted(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        problems = _new_release_problems(runtime, view, runtime.clock())
        if problems:
            ack(response_action="errors", errors=problems)
            return
        runtime.inbox.accept(KIND, body, key=request_key(req))
        ack()

    @app.shortcut(ShortcutId.ADD_AS_DELIVERABLE)
    def add_as_deliverable(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        runtime.after_ack(jobs.open_add_form, runtime, body, context.bot_user_id)

    @app.view(ViewId.ADD_DELIVERABLE)
    def add_submitted(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        problems = _add_problems(view, runtime.clock())
        if problems:
            ack(response_action="errors", errors=problems)
            return
        runtime.inbox.accept(KIND, body, key=request_key(req))
        ack()

    @app.view(ViewId.BLOCK_REASON)
    def block_reason(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        _reason_submitted(runtime, ack, body, view, req, missing="block_reason")

    @app.view(ViewId.CHANGES_REASON)
    def changes_reason(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        _reason_submitted(runtime, ack, body, view, req, missing="changes_note")


def _reason_submitted(runtime: Runtime, ack: Ack, body: dict, view: dict, req: BoltRequest, *, missing: str) -> None:
    """A reason form (Block…, Request changes…): kept when it says why and is for a deliverable of ours."""
    lang = language_of_form(view)
    try:
        BlockReasonFor.decode(view.get("private_metadata", ""))
    except ValueError:
        ack(response_action="errors", errors={REASON_BLOCK: _outdated(view, lang)})
        return
    if not Submitted(view).reason():
        ack(response_action="errors", errors={REASON_BLOCK: UserError(missing).text(lang)})
        return
    runtime.inbox.accept(KIND, body, key=request_key(req))
    ack()


def open_new_release(runtime: Runtime, request: Request, trigger_id: str) -> None:
    """Open the new-release modal right after the ack (its trigger id lives three seconds)."""
    runtime.after_ack(jobs.open_new_release_form, runtime, request, trigger_id)


def _new_release_problems(runtime: Runtime, view: dict, now) -> dict[str, str]:
    """What the new-release form's payload alone shows to be wrong, by field."""
    form, lang = Submitted(view), language_of_form(view)
    try:
        title, day = form.text(Field.TITLE), form.day(Field.RELEASE_DATE)
    except ValueError:
        return {Field.RELEASE_DATE.value: _outdated(view, lang)}
    w = words("forms", lang)
    missing = {f.value: str(w.missing(what)) for f, what, given in ((Field.TITLE, "title", title),
               (Field.RELEASE_DATE, "date", day)) if not given}  # fmt: skip
    if missing:
        return missing
    try:
        runtime.services.catalogue.pick(form.option(Field.PLAYBOOK))
        bounds.check_submitted(jobs.new_release_command(form), now=now)
    except UserError as refusal:
        return {_field(refusal, Field.TITLE): refusal.text(lang)[:MAX_FIELD_ERROR]}
    return {}


def _add_problems(view: dict, now) -> dict[str, str]:
    """What the "Add as deliverable" form's payload alone shows to be wrong, by field."""
    form, lang = Submitted(view), language_of_form(view)
    try:
        origin = AddFromMessage.decode(view.get("private_metadata", ""))
        name, due = form.text(Field.NAME), form.day(Field.DUE)
    except ValueError:
        return {Field.NAME.value: _outdated(view, lang)}
    if not name:
        return {Field.NAME.value: str(words("forms", lang).missing("name"))}
    try:
        bounds.check_submitted(Add(name=name, due=due, owner=form.user(Field.OWNER)), now=now)
        if due is not None:
            bounds.check_due(due, release_day=origin.release_day, usage=USAGE["add"])
    except UserError as refusal:
        return {_field(refusal, Field.NAME): refusal.text(lang)[:MAX_FIELD_ERROR]}
    return {}


def _outdated(view: dict, lang: str) -> str:
    """A form whose hidden values or dates are not what ours carry: tampered with, or from an older release."""
    log.warning("a %s submission with values no form of ours has was refused", view.get("callback_id"))
    return str(words("forms", lang).outdated())


def _field(refusal: UserError, default: Field) -> str:
    """The modal field a refusal is about, or ``default``."""
    fields = {f.value for f in Field}
    return refusal.about if refusal.about in fields else default.value
