"""The files shared for deliverables: attached once each, and the bit depths of a release's masters."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import DeliverableFile, ProcessedEvent
from storage.queries import _insert_once


def attach(*, session: Session, row: DeliverableFile) -> bool:
    """Attach a file to a deliverable; False when it already is (the same file shared there again)."""
    return _insert_once(session, DeliverableFile, ["deliverable_id", "file_id"], **row.model_dump(exclude={"id"}))


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


def was_processed(*, session: Session, team_id: str, event_id: str) -> bool:
    """Whether an event was already worked (its files need not be fetched again)."""
    found = session.exec(
        select(ProcessedEvent.id).where(ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id)
    ).first()
    return found is not None
