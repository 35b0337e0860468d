"""Sign-offs' approvers: who they are, where each stands, and which sign-offs a new upstream file concerns."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, delete, select

from storage.models import Approval, Deliverable, DeliverableFile, DeliverableState, Dependency

# Files an approver is asked to look at: not those that failed their check or could not be read.
APPROVABLE = ("passed", "unchecked")


def approvals_of(*, session: Session, deliverable_ids: list[int]) -> dict[int, list[Approval]]:
    """Each sign-off's approvers, in the order they were named."""
    found: dict[int, list[Approval]] = defaultdict(list)
    if not deliverable_ids:
        return found
    rows = session.exec(
        select(Approval).where(col(Approval.deliverable_id).in_(deliverable_ids)).order_by(col(Approval.id))
    )
    for row in rows:
        found[row.deliverable_id].append(row)
    return found


def pending_in(*, session: Session, team_id: str, release_ids: list[int]) -> list[tuple[Approval, Deliverable]]:
    """The pending approvals of open sign-offs in these releases, with their sign-off."""
    if not release_ids:
        return []
    return list(
        session.exec(
            select(Approval, Deliverable)
            .join(Deliverable, col(Deliverable.id) == Approval.deliverable_id)
            .where(
                Approval.team_id == team_id,
                col(Approval.release_id).in_(release_ids),
                Approval.state == "pending",
                Deliverable.state == DeliverableState.OPEN,
            )
            .order_by(col(Approval.asked_at), col(Approval.id))
        )
    )


def name_approvers(
    *, session: Session, sign_off: Deliverable, user_ids: list[str], file_id: str | None, at: datetime
) -> list[str]:
    """Make ``user_ids`` the sign-off's approvers: those no longer named are dropped, those already named keep
    where they stand; the newly named (returned) are asked about ``file_id``."""
    kept = {a.user_id for a in approvals_of(session=session, deliverable_ids=[sign_off.id])[sign_off.id]}
    session.execute(
        delete(Approval).where(col(Approval.deliverable_id) == sign_off.id, col(Approval.user_id).not_in(user_ids))
    )
    new = [u for u in user_ids if u not in kept]
    for user_id in new:
        session.add(
            Approval(
                team_id=sign_off.team_id,
                release_id=sign_off.release_id,
                deliverable_id=sign_off.id,
                user_id=user_id,
                file_id=file_id,
                asked_at=at,
            )  # fmt: skip
        )
    session.flush()
    return new


def sign_offs_after(*, session: Session, upstream_id: int, team: str) -> list[Deliverable]:
    """The open sign-offs (deliverables of ``team``) that come after ``upstream_id``."""
    return list(
        session.exec(
            select(Deliverable)
            .join(Dependency, col(Dependency.deliverable_id) == Deliverable.id)
            .where(
                Dependency.depends_on_id == upstream_id,
                Deliverable.team == team,
                Deliverable.state == DeliverableState.OPEN,
            )
        )
    )


def latest_approvable(*, session: Session, team_id: str, deliverable_ids: list[int]) -> DeliverableFile | None:
    """The newest file shared for any of these (upstream) deliverables that an approver may be asked about."""
    if not deliverable_ids:
        return None
    return session.exec(
        select(DeliverableFile)
        .where(
            DeliverableFile.team_id == team_id,
            col(DeliverableFile.deliverable_id).in_(deliverable_ids),
            col(DeliverableFile.verdict).in_(APPROVABLE),
        )
        .order_by(col(DeliverableFile.shared_at).desc(), col(DeliverableFile.id).desc())
    ).first()
