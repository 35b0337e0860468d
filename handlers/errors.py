"""Errors surface once: unknown failures are logged with a reference the person can quote."""

from __future__ import annotations

import logging
import uuid

from slack_bolt import App

from handlers.runtime import Runtime
from messages import builders

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.error
    def unexpected(error: Exception, body: dict, respond) -> None:
        reference = uuid.uuid4().hex[:8]
        log.error(
            "unhandled error %s",
            reference,
            exc_info=error,
            extra={
                "slack_team": body.get("team_id"),
                "slack_user": body.get("user_id"),
                "reference": reference,
            },
        )
        if body.get("response_url"):
            message = builders.error(
                f"Something went wrong on our side (reference `{reference}`). Nothing was changed."
            )
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
