"""The ``/release`` slash command: kept in the inbox and acknowledged at once; its work is
:mod:`bot.jobs.commands`.

``/release new`` with nothing after it opens the new-release form, within the ack window its trigger id
allows (three seconds), without waiting for anything queued before it.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltRequest

from bot.jobs import commands as jobs
from bot.release.parser import opens_form
from bot.runtime.admission import request_key
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from handlers.forms import open_new_release

KIND = "command"


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(
        KIND,
        Kind(
            work=lambda item: jobs.answer(runtime, item),
            gave_up=lambda body, reference: jobs.answer_failure(runtime, body, reference),
        ),
    )

    @app.command("/release")
    def release_command(ack: Ack, body: dict, req: BoltRequest) -> None:
        if opens_form(body.get("text", "")):  # the form, at once: its trigger id lives three seconds
            ack()
            open_new_release(runtime, jobs.request_of(body, runtime.clock()), body.get("trigger_id", ""))
            return
        # Kept under the request's own key: the same signed request sent again is turned away at the inbox
        # while the first is there, and its work finds the key recorded after.
        runtime.inbox.accept(KIND, body, key=request_key(req))
        ack()
