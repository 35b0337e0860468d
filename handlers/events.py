"""Other events: people joining a release channel (welcomed) and leaving it, the App Home, and messages with
files or in a thread (kept in the inbox and worked after the ack, like reactions), uninstalls, and the rest
acknowledged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.jobs import events as jobs
from bot.jobs import files as file_jobs
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from bot.slack import installs

log = logging.getLogger(__name__)

WELCOME, LEFT, HOME, FILES = "welcome", "left", "home", "files"
# Messages people write (a thread's reply broadcast to the channel too): edits, deletions and joins are not.
WRITTEN = frozenset({None, "file_share", "thread_broadcast"})


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(WELCOME, Kind(work=lambda item: jobs.welcome(runtime, item)))
    runtime.inbox.handles(LEFT, Kind(work=lambda item: jobs.left(runtime, item)))
    runtime.inbox.handles(HOME, Kind(work=lambda item: jobs.home(runtime, item)))
    runtime.inbox.handles(FILES, Kind(work=lambda item: file_jobs.shared(runtime, item)))

    @app.event("member_joined_channel")
    def member_joined(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("user", "") != context.bot_user_id:
            runtime.keep_event(WELCOME, body, context.team_id)

    @app.event("member_left_channel")
    def member_left(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("user", "") != context.bot_user_id:
            runtime.keep_event(LEFT, body, context.team_id)

    app.middleware(RateLimitNotice())

    @app.event("app_home_opened")
    def home_opened(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("tab", "home") == "home":
            runtime.keep_event(HOME, body, context.team_id)

    @app.event("app_uninstalled")
    def app_uninstalled(body: dict, context: BoltContext) -> None:
        """The workspace removed the app: forget its token and stop its standups, reminders and DMs."""
        _stop_workspace(runtime, body.get("team_id") or context.team_id or "")

    @app.event("tokens_revoked")
    def tokens_revoked(body: dict, event: dict, context: BoltContext) -> None:
        """A revoked bot token silences the app there as surely as an uninstall (user tokens we never hold)."""
        if (event.get("tokens") or {}).get("bot"):
            _stop_workspace(runtime, body.get("team_id") or context.team_id or "")

    @app.event("message")
    def message(body: dict, event: dict, context: BoltContext) -> None:
        """Files shared in a release channel, and replies in a thread (a metadata thread's codes), are checked."""
        if worth_a_look(event, context.bot_user_id):
            runtime.keep_event(FILES, body, context.team_id)

    @app.event(re.compile(".*"))
    def anything_else(event: dict) -> None:
        """Events Releasebot does not act on are acknowledged, so Slack does not retry them."""
        log.debug("ignoring %s event", event.get("type"))


def worth_a_look(event: dict, bot_user_id: str | None) -> bool:
    """A person's message with files, or in a thread, in a channel (not a DM, not the bot's own)."""
    if event.get("subtype") not in WRITTEN or event.get("bot_id") or event.get("user", "") in ("", bot_user_id):
        return False
    if event.get("channel_type", "channel") not in ("channel", "group"):
        return False
    return bool(event.get("files")) or bool(event.get("thread_ts"))


class RateLimitNotice(Middleware):
    """Slack's ``app_rate_limited`` notice is not an event_callback; acknowledge it and say so in the log.

    A class, not a function: Bolt calls a function middleware through its argument injection, a cost
    paid on every request's ack."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002 - Bolt's parameter name
        if req.body.get("type") == "app_rate_limited":
            log.warning("Slack is rate limiting our events: %s", req.body.get("minute_rate_limited"))
            return BoltResponse(status=200, body="")
        return next()


def _stop_workspace(runtime: Runtime, team_id: str) -> None:
    if team_id:
        installs.uninstalled(
            runtime.engine, runtime.sender.tokens, runtime.installation_store, team_id, at=runtime.clock()
        )
