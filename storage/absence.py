"""The SQL for people away: their absences, and who covers for them."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.models import Absence


def absences_from(*, session: Session, team_id: str, day: date, user_ids: list[str] | None = None) -> list[Absence]:
    """The team's absences not ended by ``back`` whose last day is ``day`` or later (all of its people's, or
    those of ``user_ids``), soonest first."""
    query = select(Absence).where(Absence.team_id == team_id, Absence.ends_on >= day, col(Absence.ended_at).is_(None))
    if user_ids is not None:
        query = query.where(col(Absence.user_id).in_(user_ids))
    return list(session.exec(query.order_by(Absence.starts_on, Absence.id)).all())
