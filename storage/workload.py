"""The SQL behind ``/release load`` and the calendar feeds: people's open deliverables across active releases,
and the feeds' hashed tokens. Each answer is one or two statements whatever the label's size."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from storage.models import Blocker, CalendarFeed, Deliverable, DeliverableState, Release, ReleaseState


def _open_in_active():
    return (Deliverable.state == DeliverableState.OPEN, Release.state == ReleaseState.ACTIVE)


def owners_on_releases_of(pm_id: str, *, team_id: str):
    """A subquery: who owns an open deliverable of an active release ``pm_id`` runs."""
    return (
        select(Deliverable.owner_id)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, Release.pm_id == pm_id, *_open_in_active())
    )


def owners_in_team(team: str, *, team_id: str):
    """A subquery: who owns an open deliverable of ``team`` (A&R, marketing…) in an active release."""
    return (
        select(Deliverable.owner_id)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, func.lower(Deliverable.team) == team.lower(), *_open_in_active())
    )


def open_load(*, session: Session, team_id: str, due_before: date, owners) -> list[tuple[Deliverable, Release, bool]]:
    """Open deliverables due before ``due_before`` (the late ones too) in active releases, owned by ``owners``
    (a list of user ids, or one of the subqueries above), each with whether it is blocked: one query."""
    blocked = (
        exists()
        .where(Blocker.deliverable_id == Deliverable.id, col(Blocker.resolved_at).is_(None))
        .correlate(Deliverable)
    )
    rows = session.exec(
        select(Deliverable, Release, blocked.label("blocked"))
        .join(Release, Release.id == Deliverable.release_id)
        .where(
            Deliverable.team_id == team_id,
            col(Deliverable.owner_id).in_(owners),
            Deliverable.due_date < due_before,
            *_open_in_active(),
        )
        .order_by(Deliverable.owner_id, Deliverable.due_date, Release.release_date, Deliverable.position)
    ).all()
    return [(d, r, bool(b)) for d, r, b in rows]


def due_between(*, session: Session, team_id: str, owner_id: str, start: date, end: date) -> int:
    """How many open deliverables of active releases ``owner_id`` has due from ``start`` to before ``end``."""
    return session.exec(
        select(func.count())
        .select_from(Deliverable)
        .join(Release, Release.id == Deliverable.release_id)
        .where(
            Deliverable.team_id == team_id,
            Deliverable.owner_id == owner_id,
            Deliverable.due_date >= start,
            Deliverable.due_date < end,
            *_open_in_active(),
        )
    ).one()


# -- calendar feeds --------------------------------------------------------------------------------


def live_feed(*, session: Session, team_id: str, user_id: str, kind: str) -> CalendarFeed | None:
    return session.exec(
        select(CalendarFeed).where(
            CalendarFeed.team_id == team_id,
            CalendarFeed.user_id == user_id,
            CalendarFeed.kind == kind,
            col(CalendarFeed.revoked_at).is_(None),
        )
    ).first()


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
        .where(Deliverable.team_id == team_id, Deliverable.owner_id == user_id, *_open_in_active())
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
        .where(Deliverable.team_id == team_id, col(Deliverable.hard), *_open_in_active())
        .order_by(Deliverable.due_date, Deliverable.id)
    ).all()
    return list(releases), [(d, r) for d, r in hard]


def replace_feed(
    *, session: Session, team_id: str, user_id: str, kind: str, token_hash: str, now: datetime
) -> CalendarFeed:
    """Revoke ``user_id``'s live feed of ``kind`` (if any) and keep a new one under ``token_hash``."""
    old = live_feed(session=session, team_id=team_id, user_id=user_id, kind=kind)
    if old is not None:
        old.revoked_at = now
        session.add(old)
        session.flush()
    feed = CalendarFeed(team_id=team_id, user_id=user_id, kind=kind, token_hash=token_hash, created_at=now)
    session.add(feed)
    session.flush()
    return feed
