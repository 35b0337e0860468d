"""The artist's weekly brief in the PM's DM: Send, Edit and Skip, and the edit modal.

Send and Skip are checked from their payload alone, kept in the inbox and acknowledged; their work
(:mod:`bot.jobs.brief`) follows. Edit opens its modal right after the ack, within the trigger id's three
seconds; a submitted text that is empty, or metadata no modal of ours carries, comes back under the field.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltRequest

from bot.jobs import brief as jobs
from bot.runtime.admission import request_key
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from handlers.actions import click_key
from messages.ids import ActionId, Field, ViewId
from messages.modals import MAX_BRIEF, BriefEditFor, Submitted, language_of_form
from messages.render import words

log = logging.getLogger(__name__)

KIND = "brief"
# A brief's id: a number, never long.
MAX_VALUE = 20


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(KIND, Kind(work=lambda item: jobs.apply(runtime, item)))

    @app.action(ActionId.BRIEF_SEND)
    @app.action(ActionId.BRIEF_SKIP)
    def decide(ack: Ack, body: dict, action: dict) -> None:
        if readable(body, action):
            runtime.inbox.accept(KIND, body, key=click_key(body, action))
        ack()

    @app.action(ActionId.BRIEF_EDIT)
    def edit(ack: Ack, body: dict, action: dict) -> None:
        ack()
        if readable(body, action):
            runtime.after_ack(jobs.open_edit_form, runtime, body, int(action["value"]))

    @app.view(ViewId.BRIEF_EDIT)
    def edited(ack: Ack, body: dict, view: dict, req: BoltRequest) -> None:
        lang = language_of_form(view)
        try:
            BriefEditFor.decode(view.get("private_metadata", ""))
        except ValueError:
            log.warning("a brief_edit submission with values no form of ours has was refused")
            ack(response_action="errors", errors={Field.BRIEF.value: str(words("forms", lang).outdated())})
            return
        text = Submitted(view).text(Field.BRIEF)
        if not text or len(text) > MAX_BRIEF:  # longer only in a payload our form did not make
            ack(response_action="errors", errors={Field.BRIEF.value: str(words("brief", lang).empty(MAX_BRIEF))})
            return
        runtime.inbox.accept(KIND, body, key=request_key(req))
        ack()


def readable(body: dict, action: dict) -> bool:
    """A brief's id, on the DM message that offers it (its channel and ts are where the answer goes)."""
    container = body.get("container") or {}
    value = action.get("value", "")
    in_a_dm = str(container.get("channel_id", "")).startswith("D") and bool(container.get("message_ts"))
    if len(value) > MAX_VALUE or not value.isdigit() or not in_a_dm:
        log.warning("a %s click with a value no button of ours has was dropped", action.get("action_id"))
        return False
    return True
