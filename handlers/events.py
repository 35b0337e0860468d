"""Other events: a welcome for people joining a release channel, the App Home, uninstalls, and the rest
acknowledged."""

from __future__ import annotations

import logging
import re
from zoneinfo import ZoneInfo

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk.errors import SlackApiError

from bot import installs
from bot.health import snapshot
from bot.outcome import RefreshHome
from handlers.runtime import Runtime
from messages import builders
from storage import queries
from storage.db import session_scope
from storage.models import ReleaseState

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.event("member_joined_channel")
    def member_joined(body: dict, event: dict, context: BoltContext) -> None:
        """Someone joined a release channel: show them, privately, where the release stands."""
        user, channel = event.get("user", ""), event.get("channel", "")
        if user == context.bot_user_id:
            return
        team_id = body.get("team_id") or context.team_id or ""
        now = runtime.clock()
        with session_scope(runtime.engine) as session:
            release = queries.release_in_channel(session=session, team_id=team_id, channel_id=channel)
            if release is None or release.state != ReleaseState.ACTIVE:
                return
            bundle = queries.load_bundle(session=session, release=release)
            lang = queries.get_or_create_workspace(session=session, team_id=team_id).language
        today = now.astimezone(ZoneInfo(release.timezone)).date()
        welcome = builders.status(snapshot(bundle, today=today, now=now), lang=lang)
        runtime.after_ack(_welcome, runtime, team_id, channel, user, welcome)

    @app.middleware
    def rate_limit_notice(body: dict, next) -> BoltResponse | None:  # noqa: A002 - Bolt's parameter name
        """Slack's ``app_rate_limited`` notice is not an event_callback; acknowledge it and say so in the log."""
        if body.get("type") == "app_rate_limited":
            log.warning("Slack is rate limiting our events: %s", body.get("minute_rate_limited"))
            return BoltResponse(status=200, body="")
        return next()

    @app.event("app_home_opened")
    def home_opened(body: dict, event: dict, context: BoltContext) -> None:
        """The Home tab: the viewer's open deliverables and the label's active releases."""
        if event.get("tab", "home") != "home":
            return
        team_id, user_id = body.get("team_id") or context.team_id or "", event.get("user", "")
        with session_scope(runtime.engine) as session:
            queries.mark_home_opened(session=session, team_id=team_id, user_id=user_id, at=runtime.clock())
        runtime.followup.submit([RefreshHome(team_id, (user_id,))])

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


def _stop_workspace(runtime: Runtime, team_id: str) -> None:
    if team_id:
        installs.uninstalled(
            runtime.engine, runtime.sender.tokens, runtime.installation_store, team_id, at=runtime.clock()
        )


def _welcome(runtime: Runtime, team_id: str, channel: str, user: str, message) -> None:
    try:
        runtime.sender.ephemeral(team_id, channel, user, message)
    except SlackApiError:
        pass  # a welcome is a courtesy; the sender has logged why it failed
