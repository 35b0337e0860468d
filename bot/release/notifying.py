"""``/release notify on|off``: a person's own choice of whether standups mention them."""

from __future__ import annotations

from sqlmodel import Session

from bot.release import parser as c
from bot.release.outcome import Outcome, Reply, Request
from storage import queries


def set_standup_mentions(cmd: c.Notify, *, session: Session, request: Request) -> Outcome:
    """Kept on the person, so it holds in every release channel; their items still show, by name."""
    queries.set_standup_mentions(
        session=session, team_id=request.team_id, user_id=request.user_id, on=cmd.standup_mentions
    )
    return Outcome(reply=Reply.of("standup_mentions_on" if cmd.standup_mentions else "standup_mentions_off"))
