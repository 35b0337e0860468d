"""Who is in each release channel, read from Slack's member list and kept current by the join and leave
events, so that deciding whether someone may change a deliverable never waits on Slack.

Like :mod:`bot.slack.people`, Slack is asked outside any transaction: :meth:`Rosters.ensure` runs before
the work that needs the answer, and the work reads the stored rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.release.outcome import utc
from bot.slack.sender import Sender
from storage import queries
from storage.db import session_scope
from storage.models import Deliverable, Release

# The events keep the list current; it is read again this often in case some were missed (the app was
# down longer than Slack retries).
READ_AGAIN_AFTER = timedelta(hours=24)
# Slack's largest page of conversations.members.
PAGE = 1000


class Rosters:
    def __init__(self, engine: Engine, sender: Sender, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._engine = engine
        self._sender = sender
        self._clock = clock

    def ensure(self, team_id: str, *, channel_id: str | None = None, deliverable_id: int | None = None) -> None:
        """Make sure the member list of the release channel (``channel_id``'s, or the one ``deliverable_id``
        belongs to) has been read recently; a channel that is not a release's is left alone."""
        with session_scope(self._engine) as session:
            if deliverable_id is not None:
                deliverable = session.get(Deliverable, deliverable_id)
                release = session.get(Release, deliverable.release_id) if deliverable is not None else None
            else:
                release = queries.release_in_channel(session=session, team_id=team_id, channel_id=channel_id or "")
            if release is None or release.team_id != team_id or release.channel_id is None:
                return
            synced = release.members_synced_at
        if synced is None or utc(synced) < self._clock() - READ_AGAIN_AFTER:
            self.read(team_id, release.channel_id)

    def read(self, team_id: str, channel_id: str) -> None:
        """Read the channel's member list from Slack and store it (left as it was when Slack cannot answer)."""
        at = self._clock()
        members: list[str] = []
        after: dict[str, str] = {}
        try:
            while True:
                page = self._sender.call(team_id, "conversations.members", channel=channel_id, limit=PAGE, **after)
                members += page["members"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
                after = {"cursor": cursor}
        except SlackApiError:
            return  # the sender has logged why; membership stays as last known
        with session_scope(self._engine) as session:
            release = queries.release_in_channel(session=session, team_id=team_id, channel_id=channel_id)
            if release is not None:
                queries.members_listed(session=session, release=release, user_ids=members, at=at)
