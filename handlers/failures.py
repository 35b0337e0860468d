"""Errors surface once: unknown failures are logged with a reference the person can quote.

A failed button or form still answers 200 with that reference (Slack would otherwise show its
own opaque error); a failed event answers 500 so Slack retries it, and the stored event id makes
the retry safe. Commands and reactions fail after their ack, in the inbox (bot/runtime/intake.py): a
command's answer then carries the same words, from :meth:`Runtime.our_fault`.
"""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import App, BoltResponse

from bot.runtime.context import Runtime

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.error
    def unexpected(error: Exception, body: dict, response: BoltResponse | None) -> None:
        reference = uuid.uuid4().hex[:8]
        log.error(
            "unhandled error %s",
            reference,
            exc_info=error,
            extra={"slack_team": body.get("team_id"), "slack_user": body.get("user_id"), "reference": reference},
        )
        if response is None or body.get("type") == "event_callback":
            return
        team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
        message = runtime.our_fault(team, reference)
        response.status = 200
        response.body = json.dumps({"response_type": "ephemeral", **message.as_kwargs()})
        response.headers["content-type"] = ["application/json;charset=utf-8"]
