"""SQLModel tables: everything Releasebot remembers.

Every row carries the Slack ``team_id`` it belongs to, and every query in
``storage.queries`` filters on it, so one workspace never sees another's data.
Timestamps are stored as timezone-aware UTC; they are only ever shown to people
converted into a local timezone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, TypeDecorator, UniqueConstraint, true
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """A moment, stored as UTC and read back aware. SQLite keeps a datetime's wall-clock digits and drops
    its offset, so a moment given in another timezone would come back hours off."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _ts_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class ReleaseState(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class DeliverableState(StrEnum):
    OPEN = "open"
    DONE = "done"
    REMOVED = "removed"


class Workspace(SQLModel, table=True):
    """A Slack workspace (team) and its settings."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(unique=True, max_length=32)
    name: str = Field(default="", max_length=255)
    timezone: str = Field(default="Europe/London", max_length=64)
    language: str = Field(default="en", max_length=8)
    standup_time: str = Field(default="09:30", max_length=5)
    workdays: str = Field(default="mon,tue,wed,thu,fri", max_length=32)
    holiday_country: str | None = Field(default=None, max_length=8)
    escalation_channel: str | None = Field(default=None, max_length=32)
    label_heads: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    quiet_days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Post the one-line standup on days with nothing new and nothing due.
    standup_when_quiet: bool = True
    # Working days from a deliverable's overdue notice to its escalation (hard or release-week ones: 1).
    escalate_after: int = Field(default=2, sa_column_kwargs={"server_default": "2"})
    # When the label heads' escalation digest goes out (their own timezone; the channel's: the workspace's).
    escalation_time: str = Field(default="10:00", max_length=5, sa_column_kwargs={"server_default": "10:00"})
    # Deliverables one person may have due in one week before ``/release load`` flags the week.
    weekly_load_limit: int = Field(default=6, sa_column_kwargs={"server_default": "6"})
    # Whose Slack timezone and country the workspace started from: the first person to use the bot.
    set_up_from: str | None = Field(default=None, max_length=32)
    created_at: datetime | None = _ts_column()
    # Set when the app is uninstalled (or its bot token revoked): ticks plan nothing for the workspace
    # until it installs again or a request from it shows the app is back.
    uninstalled_at: datetime | None = _ts_column()


class Person(SQLModel, table=True):
    """What Slack told us about a user (``users.info``), cached so the ack path rarely waits on Slack."""

    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    name: str = Field(default="", max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    is_admin: bool = False
    is_owner: bool = False
    fetched_at: datetime | None = _ts_column()
    # When they last opened the bot's Home tab: only the Homes people look at are kept up to date.
    home_opened_at: datetime | None = _ts_column()
    # False after ``/release notify off``: standups then name them instead of mentioning them.
    standup_mentions: bool = Field(default=True, sa_column_kwargs={"server_default": true()})


class Release(SQLModel, table=True):
    """One release campaign, tied to its Slack channel once that exists."""

    __table_args__ = (
        Index("ix_release_team_state_date", "team_id", "state", "release_date"),
        UniqueConstraint("team_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    title: str = Field(max_length=255)
    artist: str | None = Field(default=None, max_length=255)
    release_date: date
    playbook: str = Field(max_length=64)
    timezone: str = Field(default="Europe/London", max_length=64)
    state: str = Field(default=ReleaseState.ACTIVE, max_length=16)
    channel_id: str | None = Field(default=None, max_length=32)
    channel_name: str | None = Field(default=None, max_length=80)
    overview_ts: str | None = Field(default=None, max_length=32)
    pm_id: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    team_members: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Where to tell the creator that set-up finished (a slash command's response_url).
    setup_response_url: str | None = Field(default=None, max_length=1024)
    setup_error: str | None = Field(default=None, max_length=255)
    # When the channel's member list was last read from Slack (None: never; nobody's membership is known).
    members_synced_at: datetime | None = _ts_column()
    # The release's local day its dates were last planned (created, or release day moved): what was due
    # before it was late when planned, and is never escalated (None: the day it was created).
    planned_on: date | None = None
    # The catch-up plan last offered for what was late then (bot.release.foresight.catch_up_offers), until accepted.
    catch_up: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime | None = _ts_column()
    updated_at: datetime | None = _ts_column()


class ChannelMember(SQLModel, table=True):
    """Who is in a release channel, from Slack's member list and the join and leave events since.

    A row is as of ``changed_at`` (the event's time, or the list's): an older event or list, arriving
    late, never overrides a newer one."""

    __table_args__ = (UniqueConstraint("team_id", "channel_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    present: bool
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Deliverable(SQLModel, table=True):
    """One checklist item of a release; its Slack message is the reaction target."""

    __table_args__ = (
        UniqueConstraint("release_id", "key"),
        Index("ix_deliverable_team_release", "team_id", "release_id", "position"),
        Index("ix_deliverable_team_message", "team_id", "channel_id", "message_ts"),
        Index("ix_deliverable_team_owner_state", "team_id", "owner_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=255)
    team: str = Field(default="", max_length=32)
    description: str = Field(default="", max_length=500)
    position: int = 0
    offset_days: int = 0
    due_date: date
    due_pinned: bool = False
    hard: bool = False
    state: str = Field(default=DeliverableState.OPEN, max_length=16)
    owner_id: str | None = Field(default=None, max_length=32)
    done_by: str | None = Field(default=None, max_length=32)
    done_at: datetime | None = _ts_column()
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    snoozed_until: date | None = None
    # Bumped on every change; the checklist message is re-rendered while rendered_version lags.
    version: int = 1
    rendered_version: int = 0
    updated_at: datetime | None = _ts_column()


class Dependency(SQLModel, table=True):
    """``deliverable_id`` cannot really start before ``depends_on_id`` is done."""

    __table_args__ = (UniqueConstraint("deliverable_id", "depends_on_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    depends_on_id: int = Field(foreign_key="deliverable.id", index=True)


class Blocker(SQLModel, table=True):
    """A raised blocker; resolved ones stay as history."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    reason: str = Field(max_length=1000)
    raised_by: str = Field(max_length=32)
    raised_at: datetime | None = _ts_column(nullable=False)
    resolved_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = _ts_column()


class Ownership(SQLModel, table=True):
    """Ownership history: who held a deliverable, from when, until when, and who put them there."""

    __tablename__ = "claim"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    user_id: str = Field(max_length=32)
    assigned_by: str = Field(max_length=32)
    claimed_at: datetime | None = _ts_column(nullable=False)
    released_at: datetime | None = _ts_column()


class Activity(SQLModel, table=True):
    """The activity log: every change, who made it and when. Standups and reports read it."""

    __table_args__ = (Index("ix_activity_team_release_at", "team_id", "release_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int | None = Field(default=None, foreign_key="release.id")
    deliverable_id: int | None = Field(default=None, foreign_key="deliverable.id")
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=32)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime | None = _ts_column(nullable=False)


class ProcessedEvent(SQLModel, table=True):
    """Requests already handled: Slack's event ids, and the inbox keys of commands (bot/runtime/intake.py), so
    Slack's retries, duplicates and a request resumed after a stop change nothing."""

    __table_args__ = (UniqueConstraint("team_id", "event_id"), Index("ix_processedevent_received_at", "received_at"))

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    received_at: datetime | None = _ts_column(nullable=False)
    # A command's answer (what goes to its response_url), saved with its work and cleared once posted: a
    # process that dies in between leaves it to the one that resumes the request.
    answer: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Reaction(SQLModel, table=True):
    """A done-reaction (✅ and friends) on a checklist message: removing the last one reopens it."""

    __table_args__ = (UniqueConstraint("deliverable_id", "user_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    user_id: str = Field(max_length=32)
    name: str = Field(max_length=64)


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    STALE = "stale"
    # Never sent itself: a line that went out inside another message (a person's ladder DM of the day).
    CARRIED = "carried"


class Outbox(SQLModel, table=True):
    """Every scheduled message, claimed by a unique key before it is sent.

    The key (``standup:<release>:<day>``, ``ladder:<deliverable>:<step>:<due>:<to>``, ``digest:<user>:<day>``,
    ``ladder-dm:<user>:<day>``, ``escalations:<head or channel>:<day>``)
    makes a message exist once however many processes tick at the same time; a row that failed
    stays pending and later ticks retry it until it is sent, fails for good, or goes stale.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=160)
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    text: str = Field(default="")
    blocks: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    release_id: int | None = Field(default=None, foreign_key="release.id")
    deliverable_id: int | None = Field(default=None, foreign_key="deliverable.id")
    state: str = Field(default=OutboxState.PENDING, max_length=16)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=64)
    created_at: datetime | None = _ts_column(nullable=False)
    next_attempt_at: datetime | None = _ts_column()
    lease_until: datetime | None = _ts_column()
    expires_at: datetime | None = _ts_column()
    sent_at: datetime | None = _ts_column()


class CalendarFeed(SQLModel, table=True):
    """A calendar feed's secret link (``/release calendar``): only the token's SHA-256 is kept, so the
    database alone opens no feed. ``kind`` is ``person`` (``user_id``'s own dates) or ``label`` (the
    label's release days and hard deadlines, a link of ``user_id``'s); a revoked link answers 404."""

    __tablename__ = "calendar_feed"
    __table_args__ = (Index("ix_calendar_feed_team_user_kind", "team_id", "user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime | None = _ts_column(nullable=False)
    revoked_at: datetime | None = _ts_column()


class ExclusiveLease(SQLModel, table=True):
    """Who does one piece of work that must not run twice at once (a release's checklist, its set-up), across
    processes and databases alike, and until when: a holder that dies stops renewing, and its lease runs out."""

    __tablename__ = "exclusive_lease"

    name: str = Field(primary_key=True, max_length=32)
    number: int = Field(primary_key=True)
    holder: str = Field(max_length=64)
    until: datetime | None = _ts_column(nullable=False)


class LabelPlaybook(SQLModel, table=True):
    """One version of a label's own copy of a playbook: the newest version is what ``new`` uses; the shipped
    TOML files stay the defaults it started from. Each version says who changed what from the one before."""

    __tablename__ = "label_playbook"
    __table_args__ = (UniqueConstraint("team_id", "name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=64)
    version: int
    description: str = Field(default="", max_length=500)
    min_lead_days: int = 0
    # The deliverable templates, as the TOML files spell them (key, name, team, offset_days, hard, after, …).
    deliverables: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What this version changed: [{"key", "before", "after", "why"}], offsets in calendar days.
    changes: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    changed_by: str = Field(max_length=32)
    changed_at: datetime | None = _ts_column(nullable=False)


class ReleaseBudget(SQLModel, table=True):
    """A release's planned spend, in whole minor units of one ISO 4217 currency. Replacing the plan re-arms the
    PM's 90% and 100% notices; its currency is fixed once a cost is recorded against it."""

    __tablename__ = "release_budget"
    __table_args__ = (UniqueConstraint("release_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id")
    amount_minor: int = Field(sa_column=Column(BigInteger(), nullable=False))
    currency: str = Field(max_length=3)
    set_by: str = Field(max_length=32)
    set_at: datetime | None = _ts_column(nullable=False)
    # When the PM was told the spend passed 90% / 100% of this plan (None: not yet).
    told_90_at: datetime | None = _ts_column()
    told_100_at: datetime | None = _ts_column()


class BudgetSpend(SQLModel, table=True):
    """One cost recorded against a release's budget, in the plan's currency."""

    __tablename__ = "budget_spend"
    __table_args__ = (Index("ix_budget_spend_release", "release_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id")
    amount_minor: int = Field(sa_column=Column(BigInteger(), nullable=False))
    currency: str = Field(max_length=3)
    bucket: str = Field(max_length=32)
    note: str = Field(max_length=200)
    spent_by: str = Field(max_length=32)
    spent_at: datetime | None = _ts_column(nullable=False)


class BriefChannel(SQLModel, table=True):
    """Where the artist's weekly brief goes: for one release (``scope`` ``release:<id>``), or for every release
    of an artist (``artist:<name, case-folded>``); a release's own wins."""

    __tablename__ = "brief_channel"
    __table_args__ = (UniqueConstraint("team_id", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    scope: str = Field(max_length=300)
    channel_id: str = Field(max_length=32)
    set_by: str = Field(max_length=32)
    set_at: datetime | None = _ts_column(nullable=False)


class BriefState(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    SKIPPED = "skipped"


class ArtistBrief(SQLModel, table=True):
    """A release's weekly brief for the artist's team: drafted by the tick (with the DM that offers it to the PM),
    edited, then sent or skipped by the PM. ``text`` is exactly what Send posts."""

    __tablename__ = "artist_brief"
    __table_args__ = (UniqueConstraint("release_id", "week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id")
    week: date
    channel_id: str = Field(max_length=32)
    text: str
    state: str = Field(default=BriefState.DRAFTED, max_length=16)
    edited_by: str | None = Field(default=None, max_length=32)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = _ts_column()
    posted_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime | None = _ts_column(nullable=False)


class DeliverableFile(SQLModel, table=True):
    """A Slack file shared for a deliverable (in its checklist message's thread, or naming its key) and how it
    checked against the deliverable's specification; an approval approves the newest one."""

    __tablename__ = "deliverable_file"
    __table_args__ = (
        UniqueConstraint("deliverable_id", "file_id"),
        Index("ix_deliverable_file_release", "team_id", "release_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id")
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    file_id: str = Field(max_length=32)
    name: str = Field(default="", max_length=255)
    shared_by: str = Field(max_length=32)
    shared_at: datetime | None = _ts_column(nullable=False)
    # The specification it was checked against (bot.release.file_checks.Spec; "" when the deliverable has none)
    # and the verdict: passed, failed, unreadable or unchecked.
    spec: str = Field(default="", max_length=16)
    verdict: str = Field(default="unchecked", max_length=16)
    # What the check read (format, size, bit depth…) and what was to fix.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Approval(SQLModel, table=True):
    """One approver of a sign-off (an artist's approval of artwork, master or campaign) and where they stand on
    the file it approves, the newest one shared for its upstream deliverable: pending since ``asked_at``,
    approved, or changes requested with a note. A newer file sets it back to pending."""

    __table_args__ = (
        UniqueConstraint("deliverable_id", "user_id"),
        Index("ix_approval_team_release", "team_id", "release_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    release_id: int = Field(foreign_key="release.id")
    deliverable_id: int = Field(foreign_key="deliverable.id")
    user_id: str = Field(max_length=32)
    state: str = Field(default="pending", max_length=16)
    # The Slack file the state is about (None: nothing was shared for the upstream deliverable yet).
    file_id: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=1000)
    asked_at: datetime | None = _ts_column(nullable=False)
    decided_at: datetime | None = _ts_column()


class Absence(SQLModel, table=True):
    """Someone away from ``starts_on`` to ``ends_on`` (their last day away, in their own timezone): their
    reminders go to ``cover_id`` (or each release's PM) meanwhile. ``/release back`` sets ``ended_at``."""

    __table_args__ = (Index("ix_absence_team_ends", "team_id", "ends_on"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    starts_on: date
    ends_on: date
    cover_id: str | None = Field(default=None, max_length=32)
    set_by: str = Field(max_length=32)
    set_at: datetime | None = _ts_column(nullable=False)
    ended_at: datetime | None = _ts_column()
