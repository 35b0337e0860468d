"""Which language a message is written in: the reader's own for what only they read, else the workspace's."""

from __future__ import annotations

from sqlmodel import Session

from messages.render import language_for
from storage import queries


def language_of(session: Session, team_id: str, user_id: str | None = None) -> str:
    """``user_id``'s language (their Slack locale, when we know it and speak it), else the workspace's."""
    workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
    person = queries.get_person(session=session, team_id=team_id, user_id=user_id) if user_id else None
    return language_for(person.locale if person is not None else None, workspace.language)
