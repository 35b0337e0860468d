"""The SQL for the artist's weekly brief: where it goes, and each week's draft and what the PM did with it."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.models import ArtistBrief, BriefChannel
from storage.queries import upsert


def channels_of(*, session: Session, team_id: str, scopes: list[str]) -> dict[str, str]:
    """Scope → channel id of those ``scopes`` that name a brief channel."""
    if not scopes:
        return {}
    rows = session.exec(
        select(BriefChannel).where(BriefChannel.team_id == team_id, col(BriefChannel.scope).in_(scopes))
    ).all()
    return {row.scope: row.channel_id for row in rows}


def artist_channels(*, session: Session, team_id: str) -> list[BriefChannel]:
    """Every artist's brief channel in the workspace, by artist."""
    query = select(BriefChannel).where(BriefChannel.team_id == team_id, col(BriefChannel.scope).startswith("artist:"))
    return list(session.exec(query.order_by(BriefChannel.scope)).all())


def set_channel(*, session: Session, team_id: str, scope: str, channel_id: str | None, by: str, at: datetime) -> None:
    """Name the scope's brief channel, or (``channel_id`` None) forget it."""
    row = session.exec(select(BriefChannel).where(BriefChannel.team_id == team_id, BriefChannel.scope == scope)).first()
    if channel_id is None:
        if row is not None:
            session.delete(row)
        return
    row = row or BriefChannel(team_id=team_id, scope=scope, channel_id=channel_id, set_by=by, set_at=at)
    row.channel_id, row.set_by, row.set_at = channel_id, by, at
    session.add(row)


def draft(*, session: Session, team_id: str, release_id: int, week: date, channel_id: str, text: str,
          now: datetime) -> ArtistBrief:  # fmt: skip
    """The week's draft: written once (a second tick drafting the same week keeps the first one's), and read back."""
    values = dict(team_id=team_id, release_id=release_id, week=week, channel_id=channel_id, text=text,
                  state="drafted", created_at=now)  # fmt: skip
    statement = upsert(session, ArtistBrief.__table__).values(**values)
    session.execute(statement.on_conflict_do_nothing(index_elements=["release_id", "week"]))
    return session.exec(select(ArtistBrief).where(ArtistBrief.release_id == release_id, ArtistBrief.week == week)).one()


def locked(*, session: Session, team_id: str, brief_id: int) -> ArtistBrief | None:
    """The brief, its row locked until the transaction ends: two clicks on Send decide one after the other."""
    query = select(ArtistBrief).where(ArtistBrief.team_id == team_id, ArtistBrief.id == brief_id)
    return session.exec(query.with_for_update()).first()
