"""Loads and saves, always scoped by Slack team id.

Functions take the session keyword-only and return plain models. Collections a
message needs are loaded in a fixed number of round trips, never one per row.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import case, delete, func, null, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.models import (
    Activity,
    Approval,
    Blocker,
    ChannelMember,
    Deliverable,
    DeliverableState,
    Dependency,
    Ownership,
    Person,
    ProcessedEvent,
    Reaction,
    Release,
    ReleaseState,
    Workspace,
)


@dataclass
class ReleaseBundle:
    """A release with everything its status, checklist and standup need, loaded in five queries."""

    release: Release
    deliverables: list[Deliverable]
    open_blockers: dict[int, Blocker] = field(default_factory=dict)
    upstream: dict[int, list[int]] = field(default_factory=dict)

    def by_id(self) -> dict[int, Deliverable]:
        return {d.id: d for d in self.deliverables}

    @cached_property
    def live(self) -> list[Deliverable]:
        """Deliverables not removed, in checklist order (computed once: bundles are read, then dropped)."""
        return [d for d in self.deliverables if d.state != DeliverableState.REMOVED]


def get_or_create_workspace(*, session: Session, team_id: str, default_timezone: str | None = None) -> Workspace:
    workspace = session.exec(select(Workspace).where(Workspace.team_id == team_id)).first()
    if workspace is None:
        workspace = Workspace(team_id=team_id, timezone=default_timezone or "Europe/London")
        session.add(workspace)
        session.flush()
    return workspace


def mark_uninstalled(*, session: Session, team_id: str, at: datetime) -> None:
    workspace = get_or_create_workspace(session=session, team_id=team_id)
    workspace.uninstalled_at = at
    session.add(workspace)


def mark_installed(*, session: Session, team_id: str, name: str = "") -> None:
    """The app is (back) in the workspace: its schedule resumes."""
    workspace = get_or_create_workspace(session=session, team_id=team_id)
    workspace.uninstalled_at = None
    workspace.name = name or workspace.name
    session.add(workspace)


def mark_home_opened(*, session: Session, team_id: str, user_id: str, at: datetime) -> None:
    """Remember that ``user_id`` looks at their Home tab (a person row is made if Slack was never asked)."""
    session.execute(
        upsert(session, Person)
        .values(team_id=team_id, user_id=user_id, name="", is_admin=False, is_owner=False, home_opened_at=at)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_={"home_opened_at": at})
    )


def home_viewers(*, session: Session, team_id: str, user_ids: Iterable[str]) -> set[str]:
    """Those of ``user_ids`` who have opened their Home tab."""
    wanted = list(user_ids)
    if not wanted:
        return set()
    found = session.exec(
        select(Person.user_id).where(
            Person.team_id == team_id, col(Person.user_id).in_(wanted), col(Person.home_opened_at).is_not(None)
        )
    )
    return set(found.all())


def get_person(*, session: Session, team_id: str, user_id: str) -> Person | None:
    return session.exec(select(Person).where(Person.team_id == team_id, Person.user_id == user_id)).first()


def people_by_id(*, session: Session, team_id: str) -> dict[str, Person]:
    return {p.user_id: p for p in session.exec(select(Person).where(Person.team_id == team_id))}


def people_to_remind(*, session: Session) -> dict[str, set[str]]:
    """Per installed workspace, everyone a reminder may reach: its label heads, and the PMs and owners of
    its active releases."""
    found = {
        w.team_id: set(w.label_heads)
        for w in session.exec(select(Workspace).where(col(Workspace.uninstalled_at).is_(None)))
    }
    active = (Release.state == ReleaseState.ACTIVE, col(Release.channel_id).is_not(None))
    pms = select(Release.team_id, Release.pm_id).where(*active, col(Release.pm_id).is_not(None))
    owners = (
        select(Deliverable.team_id, Deliverable.owner_id)
        .join(Release, col(Release.id) == Deliverable.release_id)
        .where(*active, Deliverable.state != DeliverableState.REMOVED, col(Deliverable.owner_id).is_not(None))
        .distinct()
    )
    for statement in (pms, owners):
        for team_id, user_id in session.exec(statement):
            if team_id in found:
                found[team_id].add(user_id)
    return found


def save_person(*, session: Session, person: Person) -> Person:
    """Insert or refresh a person; an upsert, because several processes may look the same person up at once."""
    values = {name: getattr(person, name) for name in PERSON_FIELDS} | {
        "team_id": person.team_id,
        "user_id": person.user_id,
    }
    session.execute(
        upsert(session, Person)
        .values(**values)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_={n: values[n] for n in PERSON_FIELDS})
    )
    return get_person(session=session, team_id=person.team_id, user_id=person.user_id)


def set_standup_mentions(*, session: Session, team_id: str, user_id: str, on: bool) -> None:
    """Whether standups mention ``user_id``; kept on their cached person, made if Slack was never asked."""
    session.execute(
        upsert(session, Person)
        .values(team_id=team_id, user_id=user_id, standup_mentions=on, is_admin=False, is_owner=False)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_={"standup_mentions": on})
    )


PERSON_FIELDS = ("name", "tz", "locale", "is_admin", "is_owner", "fetched_at")


def upsert(bind: Session | Connection, table):
    """``INSERT … ON CONFLICT`` in the dialect at hand (SQLite and PostgreSQL both have it)."""
    name = (bind.get_bind() if isinstance(bind, Session) else bind).dialect.name
    return (postgresql if name == "postgresql" else sqlite).insert(table)


def channel_presence(*, session: Session, release: Release, user_id: str) -> bool | None:
    """Whether ``user_id`` is in the release's channel; None while its member list was never read."""
    if release.members_synced_at is None or release.channel_id is None:
        return None
    present = session.exec(
        select(ChannelMember.present).where(
            ChannelMember.team_id == release.team_id,
            ChannelMember.channel_id == release.channel_id,
            ChannelMember.user_id == user_id,
        )
    ).first()
    return bool(present)


def member_changed(
    *, session: Session, team_id: str, channel_id: str, user_ids: Iterable[str], present: bool, at: datetime
) -> None:
    """``user_ids`` joined (or left) the channel at ``at``; a row already as of a later moment stays as it is."""
    rows = [
        {"team_id": team_id, "channel_id": channel_id, "user_id": u, "present": present, "changed_at": at}
        for u in user_ids
    ]
    if not rows:
        return
    table = ChannelMember.__table__
    statement = upsert(session, table).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "channel_id", "user_id"],
            set_={"present": statement.excluded.present, "changed_at": statement.excluded.changed_at},
            where=table.c.changed_at < statement.excluded.changed_at,
        )
    )


def members_listed(*, session: Session, release: Release, user_ids: list[str], at: datetime) -> None:
    """Slack's member list of the release's channel as of ``at``: those on it are in, anyone else is out
    (unless a join or leave event after ``at`` says otherwise)."""
    member_changed(session=session, team_id=release.team_id, channel_id=release.channel_id, user_ids=user_ids,
                   present=True, at=at)  # fmt: skip
    session.execute(
        update(ChannelMember)
        .where(
            ChannelMember.team_id == release.team_id,
            ChannelMember.channel_id == release.channel_id,
            col(ChannelMember.user_id).not_in(user_ids),
            ChannelMember.changed_at < at,
        )
        .values(present=False, changed_at=at)
    )
    release.members_synced_at = at
    session.add(release)


def release_in_channel(*, session: Session, team_id: str, channel_id: str) -> Release | None:
    return session.exec(select(Release).where(Release.team_id == team_id, Release.channel_id == channel_id)).first()


def get_release(*, session: Session, team_id: str, release_id: int) -> Release | None:
    return session.exec(select(Release).where(Release.team_id == team_id, Release.id == release_id)).first()


def active_release_named(
    *, session: Session, team_id: str, title: str, artist: str | None, release_date: date
) -> Release | None:
    return session.exec(
        select(Release).where(
            Release.team_id == team_id,
            Release.state == ReleaseState.ACTIVE,
            Release.title == title,
            Release.artist == artist,
            Release.release_date == release_date,
        )
    ).first()


def active_releases(
    *, session: Session, team_id: str, limit: int | None = None, pm_id: str | None = None
) -> list[Release]:
    """Active releases, soonest first (the first ``limit`` of them when given; only ``pm_id``'s when given)."""
    statement = select(Release).where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE)
    if pm_id is not None:
        statement = statement.where(Release.pm_id == pm_id)
    return list(session.exec(statement.order_by(Release.release_date, Release.id).limit(limit)))


def has_any_release(*, session: Session, team_id: str) -> bool:
    return session.exec(select(Release.id).where(Release.team_id == team_id).limit(1)).first() is not None


def rerender_checklists(*, session: Session, release_ids: list[int]) -> None:
    """Every posted checklist message of these releases lags its deliverable, so each is sent again."""
    if release_ids:
        session.execute(
            update(Deliverable)
            .where(col(Deliverable.release_id).in_(release_ids), col(Deliverable.message_ts).is_not(None))
            .values(version=Deliverable.version + 1)
        )


def count_active_releases(*, session: Session, team_id: str, pm_id: str | None = None) -> int:
    statement = (
        select(func.count())
        .select_from(Release)
        .where(Release.team_id == team_id, Release.state == ReleaseState.ACTIVE)
    )
    if pm_id is not None:
        statement = statement.where(Release.pm_id == pm_id)
    return session.exec(statement).one()


def taken_channel_names(*, session: Session, team_id: str) -> set[str]:
    names = session.exec(
        select(Release.channel_name).where(Release.team_id == team_id, col(Release.channel_name).is_not(None))
    )
    return set(names)


def load_bundles(
    *, session: Session, team_id: str, releases: list[Release], readonly: bool = False
) -> list[ReleaseBundle]:
    """Deliverables, open blockers and dependencies for many releases in three queries.

    ``readonly`` loads deliverables as named tuples, through the connection rather than the ORM: the
    tick reads 30,000 of them a minute and changes none, and a tuple's fields are read several times
    faster than an ORM object's or a result row's.
    """
    if not releases:
        return []
    ids = [r.id for r in releases]
    in_releases = (Deliverable.team_id == team_id, col(Deliverable.release_id).in_(ids))
    in_order = (Deliverable.release_id, Deliverable.position, Deliverable.id)
    if readonly:
        rows = select(*Deliverable.__table__.columns).where(*in_releases).order_by(*in_order)
        deliverables = list(map(DeliverableRow._make, session.connection().execute(rows)))
    else:
        deliverables = session.exec(select(Deliverable).where(*in_releases).order_by(*in_order)).all()
    per_release: dict[int, list[Deliverable]] = defaultdict(list)
    for item in deliverables:
        per_release[item.release_id].append(item)
    blockers = session.exec(
        select(Blocker)
        .join(Deliverable, Deliverable.id == Blocker.deliverable_id)
        .where(*in_releases, Blocker.team_id == team_id, col(Blocker.resolved_at).is_(None))
    ).all()
    dependencies = session.connection().execute(
        select(Dependency.deliverable_id, Dependency.depends_on_id)
        .join(Deliverable, Deliverable.id == Dependency.deliverable_id)
        .where(*in_releases, Dependency.team_id == team_id)
    )
    release_of = {d.id: d.release_id for d in deliverables}
    bundles = {r.id: ReleaseBundle(release=r, deliverables=per_release[r.id]) for r in releases}
    for blocker in blockers:
        bundles[release_of[blocker.deliverable_id]].open_blockers[blocker.deliverable_id] = blocker
    for deliverable_id, depends_on_id in dependencies:
        bundles[release_of[deliverable_id]].upstream.setdefault(deliverable_id, []).append(depends_on_id)
    return [bundles[r.id] for r in releases]


# A deliverable as the tick reads it: every column, by the same names, and no ORM behind it.
DeliverableRow = namedtuple("DeliverableRow", [c.name for c in Deliverable.__table__.columns])


def load_bundle(*, session: Session, release: Release, readonly: bool = False) -> ReleaseBundle:
    return load_bundles(session=session, team_id=release.team_id, releases=[release], readonly=readonly)[0]


def due_elsewhere(
    *, session: Session, team_id: str, owner_ids: Iterable[str], release_id: int, since: date
) -> dict[tuple[str, date], int]:
    """How many open deliverables each of ``owner_ids`` has due per day from ``since`` in the workspace's
    other active releases: one query."""
    owner_ids = sorted(set(owner_ids))
    if not owner_ids:
        return {}
    rows = session.exec(
        select(Deliverable.owner_id, Deliverable.due_date, func.count())
        .join(Release, Release.id == Deliverable.release_id)
        .where(
            Deliverable.team_id == team_id,
            col(Deliverable.owner_id).in_(owner_ids),
            Deliverable.state == DeliverableState.OPEN,
            Deliverable.due_date >= since,
            Release.state == ReleaseState.ACTIVE,
            Release.id != release_id,
        )
        .group_by(Deliverable.owner_id, Deliverable.due_date)
    ).all()
    return {(owner, day): count for owner, day, count in rows}


def get_deliverable(*, session: Session, team_id: str, deliverable_id: int) -> Deliverable | None:
    return session.exec(
        select(Deliverable).where(Deliverable.team_id == team_id, Deliverable.id == deliverable_id)
    ).first()


def deliverable_by_message(*, session: Session, team_id: str, channel_id: str, ts: str) -> Deliverable | None:
    return session.exec(
        select(Deliverable).where(
            Deliverable.team_id == team_id, Deliverable.channel_id == channel_id, Deliverable.message_ts == ts
        )
    ).first()


def open_deliverables_of(*, session: Session, team_id: str, owner_id: str) -> list[tuple[Deliverable, Release]]:
    rows = session.exec(
        select(Deliverable, Release)
        .join(Release, Release.id == Deliverable.release_id)
        .where(
            Deliverable.team_id == team_id,
            Deliverable.owner_id == owner_id,
            Deliverable.state == DeliverableState.OPEN,
            Release.state == ReleaseState.ACTIVE,
        )
        .order_by(Deliverable.due_date, Release.release_date)
    ).all()
    return [(d, r) for d, r in rows]


def unclaimed_due_by(*, session: Session, team_id: str, due_by: date, limit: int) -> list[tuple[Deliverable, Release]]:
    """Open deliverables nobody owns, due by ``due_by``, soonest first: up for grabs."""
    rows = session.exec(
        select(Deliverable, Release)
        .join(Release, Release.id == Deliverable.release_id)
        .where(
            Deliverable.team_id == team_id,
            col(Deliverable.owner_id).is_(None),
            Deliverable.state == DeliverableState.OPEN,
            Deliverable.due_date <= due_by,
            Release.state == ReleaseState.ACTIVE,
        )
        .order_by(Deliverable.due_date, Release.release_date)
        .limit(limit)
    ).all()
    return [(d, r) for d, r in rows]


def set_release_channel(*, session: Session, release: Release, channel_id: str, channel_name: str) -> None:
    """The release's channel exists: it and each of its deliverables know where they are shown."""
    release.channel_id, release.channel_name = channel_id, channel_name
    session.add(release)
    session.execute(update(Deliverable).where(col(Deliverable.release_id) == release.id).values(channel_id=channel_id))


def record_rendered(*, session: Session, deliverable: Deliverable, ts: str, channel_id: str) -> None:
    """``deliverable`` as of its version is on Slack at ``ts``; a newer version already shown stays recorded."""
    newest = case(
        (col(Deliverable.rendered_version) < deliverable.version, deliverable.version),
        else_=Deliverable.rendered_version,
    )
    session.execute(
        update(Deliverable)
        .where(col(Deliverable.id) == deliverable.id)
        .values(message_ts=ts, channel_id=channel_id, rendered_version=newest)
    )


def deliverables_needing_render(*, session: Session, release_id: int) -> list[Deliverable]:
    """Checklist messages that are missing or older than their deliverable."""
    return list(
        session.exec(
            select(Deliverable)
            .where(
                Deliverable.release_id == release_id,
                col(Deliverable.rendered_version) < col(Deliverable.version),
            )
            .order_by(Deliverable.position, Deliverable.id)
        )
    )


@dataclass
class ChecklistContext:
    """What the checklist messages of some deliverables show beside their own fields."""

    open_blockers: dict[int, Blocker]
    waiting_on: dict[int, list[str]]  # the names of the deliverables each one depends on
    # Each sign-off's approvers and where they stand (storage.approvals), for those that have any.
    approvals: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def checklist_context(*, session: Session, deliverable_ids: list[int]) -> ChecklistContext:
    """Open blockers and upstream names of just these deliverables: two queries, however long the release."""
    blockers = session.exec(
        select(Blocker).where(col(Blocker.deliverable_id).in_(deliverable_ids), col(Blocker.resolved_at).is_(None))
    )
    upstream = Deliverable.__table__.alias("upstream")
    names = session.connection().execute(
        select(Dependency.deliverable_id, upstream.c.name)
        .join(upstream, upstream.c.id == Dependency.depends_on_id)
        .where(col(Dependency.deliverable_id).in_(deliverable_ids))
        .order_by(Dependency.deliverable_id, Dependency.id)
    )
    waiting_on: dict[int, list[str]] = defaultdict(list)
    for deliverable_id, name in names:
        waiting_on[deliverable_id].append(name)
    standing = session.connection().execute(
        select(Approval.deliverable_id, Approval.user_id, Approval.state)
        .where(col(Approval.deliverable_id).in_(deliverable_ids))
        .order_by(Approval.id)
    )
    approvals: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for deliverable_id, user_id, state in standing:
        approvals[deliverable_id].append((user_id, state))
    return ChecklistContext({b.deliverable_id: b for b in blockers}, waiting_on, approvals)


def releases_needing_sync(*, session: Session) -> list[Release]:
    """Active releases anywhere whose channel or checklist is not yet what the database says."""
    lagging = select(Deliverable.release_id).where(col(Deliverable.rendered_version) < col(Deliverable.version))
    return list(
        session.exec(
            select(Release).where(
                Release.state == ReleaseState.ACTIVE,
                (col(Release.channel_id).is_(None)) | (col(Release.id).in_(lagging)),
            )
        )
    )


def hand_over(*, session: Session, deliverable: Deliverable, to: str | None, by: str, at: datetime) -> Ownership | None:
    """End ``deliverable``'s current ownership and, with ``to``, start theirs; the ownership that ended."""
    previous = session.exec(
        select(Ownership).where(Ownership.deliverable_id == deliverable.id, col(Ownership.released_at).is_(None))
    ).first()
    if previous is not None:
        previous.released_at = at
        session.add(previous)
    if to is not None:
        session.add(
            Ownership(team_id=deliverable.team_id, deliverable_id=deliverable.id, user_id=to, assigned_by=by,
                      claimed_at=at)
        )  # fmt: skip
    return previous


def add_dependencies(*, session: Session, team_id: str, pairs: Iterable[tuple[int, int]]) -> None:
    for deliverable_id, depends_on_id in pairs:
        session.add(Dependency(team_id=team_id, deliverable_id=deliverable_id, depends_on_id=depends_on_id))


def log_activity(
    *,
    session: Session,
    team_id: str,
    actor_id: str,
    action: str,
    at: datetime,
    release_id: int | None = None,
    deliverable_id: int | None = None,
    **detail,
) -> None:
    session.add(
        Activity(
            team_id=team_id,
            release_id=release_id,
            deliverable_id=deliverable_id,
            actor_id=actor_id,
            action=action,
            detail=detail,
            at=at,
        )
    )


def done_since(*, session: Session, team_id: str, release_ids: list[int], since: datetime) -> list[Activity]:
    """The deliverables marked done in these releases since ``since``, from the activity log."""
    return list(
        session.exec(
            select(Activity).where(
                Activity.team_id == team_id,
                Activity.action == "done",
                col(Activity.release_id).in_(release_ids),
                col(Activity.at) >= since,
            )
        )
    )


def mark_processed(*, session: Session, team_id: str, event_id: str, now: datetime) -> bool:
    """Record that a request (event, command, click) was processed; False when it already was (a retry or a
    duplicate)."""
    return _insert_once(
        session, ProcessedEvent, ["team_id", "event_id"], team_id=team_id, event_id=event_id, received_at=now
    )


def forget_processed(*, session: Session, before: datetime, limit: int) -> int:
    """Forget up to ``limit`` request keys recorded before ``before``; how many went. Older than any retry
    Slack sends and than any signed request it would still accept, they guard against nothing."""
    oldest = select(ProcessedEvent.id).where(col(ProcessedEvent.received_at) < before).limit(limit)
    return session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.id).in_(oldest.scalar_subquery()))).rowcount


def keep_answer(*, session: Session, team_id: str, event_id: str, answer: dict) -> None:
    """Save a processed request's answer with its work, until :func:`forget_answer` says it was posted."""
    session.execute(
        update(ProcessedEvent)
        .where(col(ProcessedEvent.team_id) == team_id, col(ProcessedEvent.event_id) == event_id)
        .values(answer=answer)
    )


def kept_answer(*, session: Session, team_id: str, event_id: str) -> dict | None:
    """The answer of a processed request that has not been posted yet, if any."""
    return session.exec(
        select(ProcessedEvent.answer).where(ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id)
    ).first()


def forget_answer(*, session: Session, team_id: str, event_id: str) -> None:
    session.execute(
        update(ProcessedEvent)
        .where(col(ProcessedEvent.team_id) == team_id, col(ProcessedEvent.event_id) == event_id)
        .values(answer=null())
    )


def add_reaction(*, session: Session, deliverable: Deliverable, user_id: str, name: str) -> bool:
    """Record a done-reaction; False when this person's same reaction is already counted."""
    return _insert_once(
        session,
        Reaction,
        ["deliverable_id", "user_id", "name"],
        team_id=deliverable.team_id,
        deliverable_id=deliverable.id,
        user_id=user_id,
        name=name,
    )


def _insert_once(session: Session, model, unique: list[str], **values) -> bool:
    """One ``INSERT … ON CONFLICT DO NOTHING RETURNING id``: True when the row is new (no savepoint, no
    exception; drivers disagree on rowcount here, a returned row they agree on)."""
    table = model.__table__
    statement = upsert(session, table).values(**values).on_conflict_do_nothing(index_elements=unique)
    return session.execute(statement.returning(table.c.id)).first() is not None


def remove_reaction(*, session: Session, deliverable: Deliverable, user_id: str, name: str) -> int:
    """Forget one reaction and say how many done-reactions remain on the deliverable."""
    row = session.exec(
        select(Reaction).where(
            Reaction.deliverable_id == deliverable.id, Reaction.user_id == user_id, Reaction.name == name
        )
    ).first()
    if row is not None:
        session.delete(row)
        session.flush()
    return session.exec(
        select(func.count()).select_from(Reaction).where(Reaction.deliverable_id == deliverable.id)
    ).one()


@dataclass(frozen=True)
class ReleaseCounts:
    """What a portfolio line needs of a release, counted by the database."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    overdue_hard: int = 0
    blocked: int = 0


def release_counts(*, session: Session, team_id: str, release_ids: list[int], today: date) -> dict[int, ReleaseCounts]:
    """Per release: live, done, overdue (and hard overdue) and blocked deliverables, in two queries."""
    if not release_ids:
        return {}
    is_open = Deliverable.state == DeliverableState.OPEN
    late = is_open & (col(Deliverable.due_date) < today)
    rows = session.execute(
        select(
            Deliverable.release_id,
            func.count(),
            func.sum(case((Deliverable.state == DeliverableState.DONE, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((late & col(Deliverable.hard), 1), else_=0)),
        )
        .where(
            Deliverable.team_id == team_id,
            col(Deliverable.release_id).in_(release_ids),
            Deliverable.state != DeliverableState.REMOVED,
        )
        .group_by(Deliverable.release_id)
    ).all()
    blocked = dict(
        session.execute(
            select(Deliverable.release_id, func.count())
            .join(Blocker, Blocker.deliverable_id == Deliverable.id)
            .where(
                Deliverable.team_id == team_id,
                col(Deliverable.release_id).in_(release_ids),
                is_open,
                col(Blocker.resolved_at).is_(None),
            )
            .group_by(Deliverable.release_id)
        ).all()
    )
    return {
        release_id: ReleaseCounts(total, done or 0, overdue or 0, hard or 0, blocked.get(release_id, 0))
        for release_id, total, done, overdue, hard in rows
    }


def moves_since(*, session: Session, team_id: str, since: datetime) -> list[Activity]:
    """Release days and due dates of active releases that moved since ``since``, oldest first (one query)."""
    return list(
        session.exec(
            select(Activity)
            .join(Release, col(Release.id) == Activity.release_id)
            .where(
                Activity.team_id == team_id,
                col(Activity.action).in_(("release_moved", "due_changed")),
                col(Activity.at) >= since,
                Release.state == ReleaseState.ACTIVE,
            )
            .order_by(Activity.at, Activity.id)
        )
    )
