"""The work after the ack of two events: a welcome for someone joining a release channel, and their
App Home when they open it."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.release import deliverables
from bot.release.calendar import local_today
from bot.release.health import snapshot
from bot.release.outcome import RefreshHome
from bot.runtime.context import Runtime, event_id
from messages import builders
from storage import queries
from storage.db import session_scope
from storage.inbox import Item


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
