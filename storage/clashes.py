"""The SQL behind the clash and load warnings: releases near a day, and people's open work per day, each in one
bounded statement whatever the label's size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from storage.models import Deliverable, DeliverableState, Release, ReleaseState
from storage.workload import open_in_active


def active_in_weeks(*, session: Session, team_id: str, mondays: Collection[date]) -> list[Release]:
    """Active releases with release day in the ISO weeks starting on ``mondays``, soonest first."""
    if not mondays:
        return []
    weeks = [and_(Release.release_date >= m, Release.release_date < m + timedelta(days=7)) for m in mondays]
    return list(
        session.exec(
            select(Release)
            .where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE, or_(*weeks))
            .order_by(Release.release_date, Release.id)
        )
    )


def titles_in_weeks(*, session: Session, team_id: str, mondays: Collection[date]) -> list[tuple[int, str, date]]:
    """(id, title, release day) of the active releases in those ISO weeks, soonest first: a portfolio mark needs
    no more, and a label's busy weeks hold dozens of releases."""
    if not mondays:
        return []
    weeks = [and_(Release.release_date >= m, Release.release_date < m + timedelta(days=7)) for m in mondays]
    return list(
        session.exec(
            select(Release.id, Release.title, Release.release_date)
            .where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE, or_(*weeks))
            .order_by(Release.release_date, Release.id)
        )
    )


def open_owners(*, session: Session, release_ids: Collection[int]) -> dict[int, set[str]]:
    """Who owns an open deliverable of each of these releases."""
    if not release_ids:
        return {}
    rows = session.exec(
        select(Deliverable.release_id, Deliverable.owner_id)
        .where(
            col(Deliverable.release_id).in_(release_ids),
            col(Deliverable.owner_id).is_not(None),
            Deliverable.state == DeliverableState.OPEN,
        )
        .distinct()
    ).all()
    owners: dict[int, set[str]] = defaultdict(set)
    for release_id, owner_id in rows:
        owners[release_id].add(owner_id)
    return owners


def due_per_day(
    *, session: Session, team_id: str, owners: Collection[str], start: date, end: date
) -> list[tuple[str, date, int]]:
    """How many open deliverables of active releases each of ``owners`` has due on each day from ``start`` to
    before ``end``."""
    if not owners:
        return []
    return list(
        session.exec(
            select(Deliverable.owner_id, Deliverable.due_date, func.count())
            .join(Release, Release.id == Deliverable.release_id)
            .where(
                Deliverable.team_id == team_id,
                col(Deliverable.owner_id).in_(owners),
                Deliverable.due_date >= start,
                Deliverable.due_date < end,
                *open_in_active(),
            )
            .group_by(Deliverable.owner_id, Deliverable.due_date)
        ).all()
    )
