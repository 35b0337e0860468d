"""What retros and the label's statistics read: finished releases, their deliverables, the log entries that
judge them, their blockers; and the label's own playbook versions. A fixed number of queries whatever the
number of releases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Activity, Blocker, Deliverable, DeliverableState, LabelPlaybook, Release, ReleaseState


def finished_releases(*, session: Session, team_id: str, today: date, limit: int) -> list[Release]:
    """The ``limit`` latest releases that are archived or past their release day, latest first."""
    statement = (
        select(Release)
        .where(
            Release.team_id == team_id,
            or_(Release.state == ReleaseState.ARCHIVED, col(Release.release_date) < today),
        )
        .order_by(col(Release.release_date).desc(), col(Release.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def live_deliverables(*, session: Session, team_id: str, release_ids: Sequence[int]) -> list[Deliverable]:
    if not release_ids:
        return []
    return list(
        session.exec(
            select(Deliverable)
            .where(
                Deliverable.team_id == team_id,
                col(Deliverable.release_id).in_(release_ids),
                Deliverable.state != DeliverableState.REMOVED,
            )
            .order_by(Deliverable.release_id, Deliverable.position, Deliverable.id)
        )
    )


def log_entries(
    *, session: Session, team_id: str, release_ids: Sequence[int], actions: Sequence[str]
) -> list[Activity]:
    if not release_ids:
        return []
    return list(
        session.exec(
            select(Activity)
            .where(
                Activity.team_id == team_id,
                col(Activity.release_id).in_(release_ids),
                col(Activity.action).in_(actions),
            )
            .order_by(Activity.at, Activity.id)
        )
    )


def blockers_of(*, session: Session, team_id: str, release_ids: Sequence[int]) -> list[Blocker]:
    """Every blocker, resolved or not, raised on these releases' deliverables."""
    if not release_ids:
        return []
    return list(
        session.exec(
            select(Blocker)
            .join(Deliverable, Deliverable.id == Blocker.deliverable_id)
            .where(Blocker.team_id == team_id, col(Deliverable.release_id).in_(release_ids))
        )
    )


def playbook_versions(*, session: Session, team_id: str, name: str | None = None) -> list[LabelPlaybook]:
    """The label's playbook versions (``name``'s only, when given), oldest first."""
    statement = select(LabelPlaybook).where(LabelPlaybook.team_id == team_id)
    if name is not None:
        statement = statement.where(LabelPlaybook.name == name)
    return list(session.exec(statement.order_by(LabelPlaybook.name, LabelPlaybook.version)))


def latest_playbook(*, session: Session, team_id: str, name: str) -> LabelPlaybook | None:
    return session.exec(
        select(LabelPlaybook)
        .where(LabelPlaybook.team_id == team_id, LabelPlaybook.name == name)
        .order_by(col(LabelPlaybook.version).desc())
        .limit(1)
    ).first()


def manages_a_release(*, session: Session, team_id: str, user_id: str) -> bool:
    """Whether ``user_id`` is the PM of any release of the label."""
    found = session.exec(select(Release.id).where(Release.team_id == team_id, Release.pm_id == user_id).limit(1))
    return found.first() is not None
