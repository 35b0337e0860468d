"""Who a Slack user is (admin? timezone? locale?), from ``users.info``, cached in the database.

Slack is asked outside any transaction: :meth:`Directory.refresh` reads the cache in one short session,
calls Slack for whoever is stale with no session open, and saves the answers in another. Everything that
then decides reads the cached rows, so a slow ``users.info`` never holds a write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.release.outcome import utc
from bot.slack.sender import Sender
from storage import queries
from storage.db import session_scope
from storage.models import Person

FRESH_FOR = timedelta(hours=12)


class Directory:
    def __init__(self, engine: Engine, sender: Sender, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._engine = engine
        self._sender = sender
        self._clock = clock

    def is_fresh(self, person: Person) -> bool:
        return person.fetched_at is not None and utc(person.fetched_at) > self._clock() - FRESH_FOR

    def refresh(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Make the cached copy of each of ``user_ids`` fresh, asking Slack for the stale ones (a stale copy
        stays when Slack cannot answer)."""
        wanted = {u for u in user_ids if u}
        if not wanted:
            return
        with session_scope(self._engine) as session:
            stale = wanted - {p.user_id for p in _known(session, team_id, wanted) if self.is_fresh(p)}
        fetched = [person for user_id in sorted(stale) if (person := self._ask(team_id, user_id)) is not None]
        if fetched:
            with session_scope(self._engine) as session:
                for person in fetched:
                    queries.save_person(session=session, person=person)

    def _ask(self, team_id: str, user_id: str) -> Person | None:
        try:
            user = self._sender.call(team_id, "users.info", user=user_id, include_locale=True)["user"]
        except SlackApiError:
            return None
        return Person(
            team_id=team_id,
            user_id=user_id,
            name=user.get("real_name") or user.get("name", ""),
            tz=user.get("tz"),
            locale=user.get("locale"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
            fetched_at=self._clock(),
        )


def _known(session: Session, team_id: str, user_ids: set[str]) -> list[Person]:
    return list(session.exec(select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(user_ids))))
