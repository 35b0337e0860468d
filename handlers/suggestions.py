"""The Apply button of a playbook suggestion (in ``/release stats`` and the PM's retro).

Like the other buttons, a click is checked from its payload alone, kept in the inbox and acknowledged; the
label's playbook changes after the ack (:mod:`bot.jobs.suggestions`). A value no Apply button of ours
carries is dropped with one log line.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.jobs import suggestions as jobs
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from handlers.actions import click_key
from messages.ids import ActionId, SuggestionValue

log = logging.getLogger(__name__)

KIND = "suggestion"
# A playbook name and a deliverable key (64 and 48 characters at most) and two small numbers.
MAX_VALUE = 140


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(KIND, Kind(work=lambda item: jobs.apply(runtime, item)))

    @app.action(ActionId.APPLY_SUGGESTION)
    def apply(ack: Ack, body: dict, action: dict) -> None:
        if readable(action):
            runtime.inbox.accept(KIND, body, key=click_key(body, action))
        ack()


def readable(action: dict) -> bool:
    try:
        if len(action.get("value", "")) > MAX_VALUE:
            raise ValueError("longer than any of ours")
        SuggestionValue.decode(action.get("value", ""))
    except ValueError:
        log.warning("an Apply click with a value no button of ours has was dropped")
        return False
    return True
