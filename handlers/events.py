"""Other events: a welcome for people joining a release channel and the App Home (both kept in the inbox
and worked after the ack, like reactions), uninstalls, and the rest acknowledged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.errors import SlackApiError

from bot.release import deliverables
from bot.release.calendar import local_today
from bot.release.health import snapshot
from bot.release.outcome import RefreshHome
from bot.runtime.context import Runtime, event_id
from bot.runtime.intake import Kind
from bot.slack import installs
from messages import builders
from storage import queries
from storage.db import session_scope
from storage.inbox import Item

log = logging.getLogger(__name__)

WELCOME, HOME = "welcome", "home"


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(WELCOME, Kind(work=lambda item: welcome(runtime, item)))
    runtime.inbox.handles(HOME, Kind(work=lambda item: home(runtime, item)))

    @app.event("member_joined_channel")
    def member_joined(body: dict, event: dict, context: BoltContext) -> None:
        if event.get("user", "") != context.bot_user_id:
            runtime.keep_event(WELCOME, body, context.team_id)

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

    @app.event(re.compile(".*"))
    def anything_else(event: dict) -> None:
        """Events Releasebot does not act on are acknowledged, so Slack does not retry them."""
        log.debug("ignoring %s event", event.get("type"))


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


def welcome(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """Someone joined a release channel: show them, privately, where the release stands (once)."""
    team_id, event, now = item.body["team_id"], item.body["event"], item.received_at
    user, channel = event.get("user", ""), event.get("channel", "")
    with session_scope(runtime.engine) as session:
        release = queries.release_in_channel(session=session, team_id=team_id, channel_id=channel)
        if not deliverables.is_active(release):
            return None
        if not queries.mark_processed(session=session, team_id=team_id, event_id=event_id(item.body), now=now):
            return None
        bundle = queries.load_bundle(session=session, release=release)
        lang = queries.get_or_create_workspace(session=session, team_id=team_id).language
    today = local_today(now, release.timezone)
    message = builders.status(snapshot(bundle, today=today, now=now), lang=lang)
    return lambda: _send_welcome(runtime, team_id, channel, user, message)


def home(runtime: Runtime, item: Item) -> Callable[[], None]:
    """The Home tab: the viewer's open deliverables and the label's active releases (publishing it twice
    shows the same thing, so no key is recorded)."""
    team_id, user_id = item.body["team_id"], item.body["event"].get("user", "")
    with session_scope(runtime.engine) as session:
        queries.mark_home_opened(session=session, team_id=team_id, user_id=user_id, at=item.received_at)
    return lambda: runtime.followup.submit([RefreshHome(team_id, (user_id,))])


def _send_welcome(runtime: Runtime, team_id: str, channel: str, user: str, message) -> None:
    try:
        runtime.sender.ephemeral(team_id, channel, user, message)
    except SlackApiError:
        pass  # a welcome is a courtesy; the sender has logged why it failed
