"""The work after the ack of the events the bot acts on: someone joining a release channel (noted, and
welcomed) or leaving it (noted), and their App Home when they open it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.release import deliverables
from bot.release.calendar import calendar_of, local_today
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
        queries.member_changed(session=session, team_id=team_id, channel_id=channel, user_ids=[user], present=True,
                               at=event_time(item))  # fmt: skip
        bundle = queries.load_bundle(session=session, release=release)
        workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
    today = local_today(now, release.timezone)
    snap = snapshot(bundle, today=today, now=now, calendar=calendar_of(workspace))
    message = builders.status(snap, lang=workspace.language)
    return lambda: _send_welcome(runtime, team_id, channel, user, message)


def left(runtime: Runtime, item: Item) -> None:
    """Someone left a release channel: from now on they may not change its deliverables."""
    team_id, event = item.body["team_id"], item.body["event"]
    with session_scope(runtime.engine) as session:
        release = queries.release_in_channel(session=session, team_id=team_id, channel_id=event.get("channel", ""))
        if release is not None:
            queries.member_changed(session=session, team_id=team_id, channel_id=release.channel_id,
                                   user_ids=[event.get("user", "")], present=False, at=event_time(item))  # fmt: skip


def event_time(item: Item) -> datetime:
    """When Slack says the event happened (two events about one person can be worked out of order)."""
    stamp = item.body["event"].get("event_ts") or item.body.get("event_time")
    try:
        return datetime.fromtimestamp(float(stamp), UTC)
    except (TypeError, ValueError):
        return item.received_at


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
