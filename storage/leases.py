"""Leases: a row taken for work until a moment, after which anyone may take it again.

The inbox's requests and the outbox's messages are both worked this way, by any number of processes:
taking is one ``UPDATE … RETURNING`` whose candidates are locked, and those another transaction holds
skipped (PostgreSQL; SQLite has one writer), so two takers never get the same row. Work with no row of its
own (a release's checklist) is leased by name in ``exclusive_lease`` (see :func:`storage.locks.exclusive`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ColumnElement, Update, delete, or_, select, update
from sqlalchemy.engine import Connection

from storage.models import ExclusiveLease
from storage.queries import upsert


def free_at(lease: Column, now: datetime) -> ColumnElement[bool]:
    """Nobody holds the row at ``now`` (never leased, or its lease has run out)."""
    return or_(lease.is_(None), lease <= now)


def take(target, lease: Column, *, due: ColumnElement, now: datetime, until: datetime, limit: int | None) -> Update:
    """The UPDATE that leases, until ``until``, the first ``limit`` rows (by id) of ``target`` (a table or a
    model) that are ``due`` and free at ``now``; the caller says what it returns."""
    table = lease.table
    candidates = (
        select(table.c.id)
        .where(due, free_at(lease, now))
        .order_by(table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(target)
        .where(table.c.id.in_(candidates.scalar_subquery()), free_at(lease, now))
        .values({lease.name: until})
    )


def take_named(connection: Connection, *, name: str, number: int, holder: str, now: datetime, until: datetime) -> bool:
    """Lease the work called ``name:number`` to ``holder`` until ``until``, unless someone else's lease on it
    is live at ``now``; whether ``holder`` has it."""
    table = ExclusiveLease.__table__
    statement = (
        upsert(connection, table)
        .values(name=name, number=number, holder=holder, until=until)
        .on_conflict_do_update(
            index_elements=["name", "number"],
            set_={"holder": holder, "until": until},
            where=free_at(table.c.until, now),
        )
        .returning(table.c.holder)
    )
    return connection.execute(statement).first() is not None


def renew_named(connection: Connection, *, name: str, number: int, holder: str, until: datetime) -> bool:
    """Extend ``holder``'s lease on ``name:number``; False when it is no longer theirs."""
    statement = update(ExclusiveLease.__table__).where(_held_by(name, number, holder)).values(until=until)
    return connection.execute(statement).rowcount == 1


def end_named(connection: Connection, *, name: str, number: int, holder: str) -> None:
    """Give up ``holder``'s lease on ``name:number`` (if it is still theirs)."""
    connection.execute(delete(ExclusiveLease.__table__).where(_held_by(name, number, holder)))


def _held_by(name: str, number: int, holder: str) -> ColumnElement[bool]:
    table = ExclusiveLease.__table__
    return (table.c.name == name) & (table.c.number == number) & (table.c.holder == holder)
