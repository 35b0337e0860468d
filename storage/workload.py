"""The SQL behind ``/release load``: people's open deliverables across active releases, in one statement
whatever the label's size."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from storage.models import Blocker, Deliverable, DeliverableState, Release, ReleaseState


def open_in_active() -> tuple:
    return (Deliverable.state == DeliverableState.OPEN, Release.state == ReleaseState.ACTIVE)


def owners_on_releases_of(pm_id: str, *, team_id: str):
    """A subquery: who owns an open deliverable of an active release ``pm_id`` runs."""
    return (
        select(Deliverable.owner_id)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, Release.pm_id == pm_id, *open_in_active())
    )


def owners_in_team(team: str, *, team_id: str):
    """A subquery: who owns an open deliverable of ``team`` (A&R, marketing…) in an active release."""
    return (
        select(Deliverable.owner_id)
        .join(Release, Release.id == Deliverable.release_id)
        .where(Deliverable.team_id == team_id, func.lower(Deliverable.team) == team.lower(), *open_in_active())
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
            *open_in_active(),
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
            *open_in_active(),
        )
    ).one()
