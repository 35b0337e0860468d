"""The SQL behind the calendar feeds: their hashed tokens, and what a person's or the label's feed shows,
in two statements whatever the label's size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import CalendarFeed, Deliverable, Release, ReleaseState
from storage.workload import open_in_active


def _live(team_id: str, user_id: str, kind: str) -> tuple:
    return (
        CalendarFeed.team_id == team_id,
        CalendarFeed.user_id == user_id,
        CalendarFeed.kind == kind,
        col(CalendarFeed.revoked_at).is_(None),
    )


def live_feed(*, session: Session, team_id: str, user_id: str, kind: str) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(*_live(team_id, user_id, kind))).first()


def feed_by_hash(*, session: Session, token_hash: str) -> CalendarFeed | None:
    """The live feed whose token hashes to ``token_hash`` (an index lookup, never a comparison of secrets)."""
    return session.exec(
        select(CalendarFeed).where(CalendarFeed.token_hash == token_hash, col(CalendarFeed.revoked_at).is_(None))
    ).first()


def person_feed_items(
    *, session: Session, team_id: str, user_id: str
) -> tuple[list[tuple[Deliverable, Release]], list[Release]]:
    """``user_id``'s open deliverables, and the active releases they run, were asked to join or own something
    in: two queries (the team lists are JSON, read here alike on SQLite and PostgreSQL)."""
    items = session.exec(
        select(Deliverable, Release)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, Deliverable.owner_id == user_id, *open_in_active())
        .order_by(Deliverable.due_date, Deliverable.id)
    ).all()
    owning = {r.id for _, r in items}
    releases = [
        r
        for r in session.exec(
            select(Release)
            .where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE)
            .order_by(Release.release_date, Release.id)
        )
        if user_id in {r.pm_id, r.created_by, *(r.team_members or [])} or r.id in owning
    ]
    return [(d, r) for d, r in items], releases


def label_feed_items(*, session: Session, team_id: str) -> tuple[list[Release], list[tuple[Deliverable, Release]]]:
    """The label's active releases and their open hard deadlines: two queries."""
    releases = session.exec(
        select(Release)
        .where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE)
        .order_by(Release.release_date, Release.id)
    ).all()
    hard = session.exec(
        select(Deliverable, Release)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, col(Deliverable.hard), *open_in_active())
        .order_by(Deliverable.due_date, Deliverable.id)
    ).all()
    return list(releases), [(d, r) for d, r in hard]


def replace_feed(
    *, session: Session, team_id: str, user_id: str, kind: str, token_hash: str, now: datetime
) -> CalendarFeed:
    """Revoke every live feed of ``user_id``'s of ``kind`` and keep a new one under ``token_hash``."""
    session.execute(update(CalendarFeed).where(*_live(team_id, user_id, kind)).values(revoked_at=now))
    feed = CalendarFeed(team_id=team_id, user_id=user_id, kind=kind, token_hash=token_hash, created_at=now)
    session.add(feed)
    session.flush()
    return feed
