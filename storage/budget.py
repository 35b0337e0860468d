"""The SQL for a release's budget: its plan and the costs recorded against it."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import BudgetSpend, ReleaseBudget


def plan_of(*, session: Session, release_id: int, for_update: bool = False) -> ReleaseBudget | None:
    """``for_update``: locked until the transaction ends, so two costs recorded at once are added up in turn
    and a threshold they pass together is told once."""
    query = select(ReleaseBudget).where(ReleaseBudget.release_id == release_id)
    return session.exec(query.with_for_update() if for_update else query).first()


def plans_of(*, session: Session, release_ids: list[int]) -> dict[int, ReleaseBudget]:
    if not release_ids:
        return {}
    rows = session.exec(select(ReleaseBudget).where(ReleaseBudget.release_id.in_(release_ids))).all()
    return {row.release_id: row for row in rows}


def spends_of(*, session: Session, release_ids: list[int]) -> list[BudgetSpend]:
    """The releases' costs, oldest first."""
    if not release_ids:
        return []
    query = select(BudgetSpend).where(BudgetSpend.release_id.in_(release_ids)).order_by(BudgetSpend.id)
    return list(session.exec(query).all())
