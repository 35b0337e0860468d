"""Who a Slack user is (admin? timezone? locale?), from ``users.info``, cached in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.release.outcome import utc
from bot.slack.sender import Sender
from messages.render import language_for
from storage import queries
from storage.models import Person

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=12)


class Directory:
    def __init__(self, sender: Sender, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._sender = sender
        self._clock = clock

    def cached(self, session: Session, team_id: str, user_id: str) -> Person | None:
        return queries.get_person(session=session, team_id=team_id, user_id=user_id)

    def is_fresh(self, person: Person) -> bool:
        return person.fetched_at is not None and utc(person.fetched_at) > self._clock() - FRESH_FOR

    def person(self, session: Session, team_id: str, user_id: str) -> Person | None:
        """The cached person when fresh, otherwise asked of Slack (falling back to a stale copy)."""
        known = self.cached(session, team_id, user_id)
        if known is not None and self.is_fresh(known):
            return known
        try:
            user = self._sender.call(team_id, "users.info", user=user_id, include_locale=True)["user"]
        except SlackApiError:
            return known
        person = Person(
            team_id=team_id,
            user_id=user_id,
            name=user.get("real_name") or user.get("name", ""),
            tz=user.get("tz"),
            locale=user.get("locale"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
            fetched_at=self._clock(),
        )
        return queries.save_person(session=session, person=person)


def language_of(session: Session, team_id: str, user_id: str | None = None) -> str:
    """The language to write in: ``user_id``'s own (their Slack locale, when we know it and speak it)
    for what only they read, else the workspace's setting."""
    workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
    person = queries.get_person(session=session, team_id=team_id, user_id=user_id) if user_id else None
    return language_for(person.locale if person is not None else None, workspace.language)
