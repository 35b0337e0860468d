"""Leases: a row taken for work until a moment, after which anyone may take it again.

The inbox's requests and the outbox's messages are both worked this way, by any number of processes:
taking is one ``UPDATE … RETURNING`` whose candidates are locked, and those another transaction holds
skipped (PostgreSQL; SQLite has one writer), so two takers never get the same row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ColumnElement, Update, or_, select, update


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
