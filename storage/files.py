"""The files shared for deliverables: attached once each, the release's masters' bit depths, the newest file."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import DeliverableFile, ProcessedEvent
from storage.queries import _insert_once


def attach(
    *,
    session: Session,
    team_id: str,
    release_id: int,
    deliverable_id: int,
    file_id: str,
    name: str,
    shared_by: str,
    at: datetime,
    spec: str,
    verdict: str,
    details: dict,
) -> bool:
    """Attach a file to a deliverable; False when it already is (the same file shared there again)."""
    return _insert_once(
        session,
        DeliverableFile,
        ["deliverable_id", "file_id"],
        team_id=team_id,
        release_id=release_id,
        deliverable_id=deliverable_id,
        file_id=file_id,
        name=name[:255],
        shared_by=shared_by,
        shared_at=at,
        spec=spec,
        verdict=verdict,
        details=details,
    )


def master_bits(*, session: Session, team_id: str, release_id: int, spec: str, leaving_out: set[str]) -> set[int]:
    """The bit depths of the release's masters that passed their check (other than the files ``leaving_out``)."""
    rows = session.exec(
        select(DeliverableFile.details).where(
            DeliverableFile.team_id == team_id,
            DeliverableFile.release_id == release_id,
            DeliverableFile.spec == spec,
            DeliverableFile.verdict == "passed",
            col(DeliverableFile.file_id).not_in(leaving_out),
        )
    ).all()
    return {int(details["bits"]) for details in rows if "bits" in details}


def latest_file(*, session: Session, team_id: str, deliverable_id: int) -> DeliverableFile | None:
    """The file shared last for a deliverable."""
    return session.exec(
        select(DeliverableFile)
        .where(DeliverableFile.team_id == team_id, DeliverableFile.deliverable_id == deliverable_id)
        .order_by(col(DeliverableFile.shared_at).desc(), col(DeliverableFile.id).desc())
    ).first()


def was_processed(*, session: Session, team_id: str, event_id: str) -> bool:
    """Whether an event was already worked (its files need not be fetched again)."""
    found = session.exec(
        select(ProcessedEvent.id).where(ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id)
    ).first()
    return found is not None
