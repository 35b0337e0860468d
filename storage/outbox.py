"""The outbox: every message the tick means to send, reserved under a unique key, then leased and sent.

A reservation is an ``INSERT … ON CONFLICT DO NOTHING`` on ``(team_id, key)``, so any number of processes
ticking at once create each message once; delivery leases due rows (:mod:`storage.leases`) so that each
is sent by one of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage import leases
from storage.models import Outbox, OutboxState
from storage.queries import upsert

# Within both databases' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535).
KEYS_PER_LOOKUP = 10_000


def reserved_keys(*, session: Session, team_id: str, keys: list[str]) -> set[str]:
    """Those of ``keys`` already reserved in ``team_id``'s outbox (looked up on its unique index)."""
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_LOOKUP):
        chunk = keys[start : start + KEYS_PER_LOOKUP]
        found.update(session.exec(select(Outbox.key).where(Outbox.team_id == team_id, col(Outbox.key).in_(chunk))))
    return found


def row(
    *,
    team_id: str,
    key: str,
    kind: str,
    channel: str,
    text: str,
    blocks: list[dict],
    now: datetime,
    expires_at: datetime | None,
    release_id: int | None = None,
    deliverable_id: int | None = None,
    state: str = OutboxState.PENDING,
) -> dict:
    """One row for :func:`reserve`: due at ``now``, or, recorded as sent, sent then."""
    sent = state == OutboxState.SENT
    return {
        "team_id": team_id, "key": key, "kind": kind, "channel": channel, "text": text, "blocks": blocks,
        "release_id": release_id, "deliverable_id": deliverable_id, "state": state, "attempts": int(sent),
        "created_at": now, "next_attempt_at": None if sent else now, "expires_at": expires_at,
        "sent_at": now if sent else None,
    }  # fmt: skip


def reserve(*, session: Session, rows: list[dict], now: datetime) -> int:
    """Insert each row (Outbox's columns, ``created_at`` being ``now``) unless its key exists; how many
    messages to send this call created (a carried line is none)."""
    if not rows:
        return 0
    statement = upsert(session, Outbox.__table__).on_conflict_do_nothing(index_elements=["team_id", "key"])
    # One executemany through one cached statement, not a giant VALUES list compiled afresh each tick;
    # drivers differ in what rowcount says after executemany, so count what this call created.
    session.execute(statement, rows)
    created = (Outbox.created_at == now) & (Outbox.state != OutboxState.CARRIED)
    return session.exec(select(func.count()).select_from(Outbox).where(created)).one()


def take_due(*, session: Session, now: datetime, until: datetime, limit: int) -> list[Outbox]:
    """Lease, until ``until``, the oldest ``limit`` pending messages whose next attempt is due."""
    due = (Outbox.state == OutboxState.PENDING) & (col(Outbox.next_attempt_at) <= now)
    statement = leases.take(Outbox, Outbox.__table__.c.lease_until, due=due, now=now, until=until, limit=limit)
    return sorted(session.execute(statement.returning(Outbox)).scalars().all(), key=lambda row: row.id)


def settle(*, session: Session, row_id: int, **values) -> None:
    """Record an attempt at sending a row (its result in ``values``) and end its lease."""
    values |= {"lease_until": None, "attempts": Outbox.attempts + 1}
    session.execute(update(Outbox).where(col(Outbox.id) == row_id).values(**values))


def last_standups(*, session: Session, team_id: str, release_ids: list[int]) -> dict[int, datetime]:
    """When each release's latest standup was reserved."""
    return dict(
        session.exec(
            select(Outbox.release_id, func.max(Outbox.created_at))
            .where(Outbox.team_id == team_id, Outbox.kind == "standup", col(Outbox.release_id).in_(release_ids))
            .group_by(Outbox.release_id)
        ).all()
    )


def unsent(*, session: Session) -> dict[tuple[str, str], int]:
    """How many messages of each kind are pending or failed for good (on the state index)."""
    states = (OutboxState.PENDING, OutboxState.FAILED)
    rows = session.exec(
        select(Outbox.kind, Outbox.state, func.count())
        .where(col(Outbox.state).in_(states))
        .group_by(Outbox.kind, Outbox.state)
    ).all()
    return {(kind, state): count for kind, state, count in rows}


def sent_about(*, session: Session, team_id: str, deliverable_ids: list[int], kinds: list[str]) -> list:
    """(deliverable id, kind, channel, sent at) of each message of ``kinds`` sent about these deliverables; a
    line carried in a person's ladder DM counts from when it was reserved with that DM."""
    if not deliverable_ids:
        return []
    return session.exec(
        select(
            Outbox.deliverable_id, Outbox.kind, Outbox.channel, func.coalesce(Outbox.sent_at, Outbox.created_at)
        ).where(
            Outbox.team_id == team_id,
            col(Outbox.deliverable_id).in_(deliverable_ids),
            col(Outbox.kind).in_(kinds),
            col(Outbox.state).in_([OutboxState.SENT, OutboxState.CARRIED]),
        )
    ).all()


def sent_to(*, session: Session, team_id: str, kind: str, channels: list[str], since: datetime) -> list:
    """(channel, key, blocks) of each message of ``kind`` sent to these channels or people, reserved since ``since``."""
    return session.exec(
        select(Outbox.channel, Outbox.key, Outbox.blocks).where(
            Outbox.team_id == team_id,
            Outbox.kind == kind,
            col(Outbox.channel).in_(channels),
            Outbox.state == OutboxState.SENT,
            Outbox.created_at >= since,
        )
    ).all()
