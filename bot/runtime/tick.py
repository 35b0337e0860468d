"""One tick: decide what is due at ``now``, claim it in the outbox, deliver what is pending.

There is no scheduler job per release: every tick reads the database. Claims are unique
outbox rows (``INSERT … ON CONFLICT DO NOTHING``), so any number of processes ticking at the
same time send each message once; delivery leases rows with one ``UPDATE … RETURNING``.
"""

from __future__ import annotations

import logging
import time as clock
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.release.calendar import (
    Calendar,
    DueStep,
    ItemFacts,
    LadderRules,
    Step,
    due_steps,
    local,
    office_hours,
    parse_workdays,
    standup_day,
)
from bot.release.health import snapshot
from bot.release.outcome import utc
from bot.slack.people import Directory, language_of
from bot.slack.sender import NOT_INSTALLED, PERMANENT_ERRORS, Sender, error_code
from messages import builders
from messages.render import MAX_MESSAGE_BLOCKS, MAX_MESSAGE_TEXT, Message, language_for, words
from storage import queries
from storage.db import session_scope
from storage.models import Activity, DeliverableState, Outbox, OutboxState, Person, Release, Workspace

log = logging.getLogger(__name__)

# A leased batch must be sent within the lease, or another process may take it over. Batches are
# large so that one person's or channel's pile of messages (paced ~1/s) overlaps everyone else's.
LEASE = timedelta(minutes=30)
DELIVER_BATCH = 2000
DIGEST_HORIZON_DAYS = 7
# No ladder step comes earlier before a due date than the unclaimed ask.
LADDER_HORIZON_DAYS = LadderRules().unclaimed_days_before + 1


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    stale: int = 0


@dataclass
class Planned:
    """A message the tick wants to exist, under the key that makes it unique."""

    team_id: str
    key: str
    kind: str
    channel: str
    message: Message
    expires_at: datetime
    release_id: int | None = None
    deliverable_id: int | None = None


@dataclass
class _Team:
    workspace: Workspace
    calendar: Calendar
    people: dict[str, Person] = field(default_factory=dict)

    def tz_of(self, user_id: str | None, fallback: str) -> str:
        person = self.people.get(user_id or "")
        return person.tz if person is not None and person.tz else fallback

    def lang_of(self, user_id: str | None = None) -> str:
        """A person's language (their Slack locale) for their DMs; the workspace's for channels."""
        person = self.people.get(user_id or "")
        return language_for(person.locale if person is not None else None, self.workspace.language)

    def reminders(self, to: str | None = None):
        """The reminder words for a message to ``to`` (a user id), or to a channel."""
        return words("reminders", self.lang_of(to))


def calendar_of(workspace: Workspace) -> Calendar:
    return Calendar(
        workdays=parse_workdays(workspace.workdays),
        holiday_country=workspace.holiday_country,
        quiet_days=frozenset(date.fromisoformat(d) for d in workspace.quiet_days),
    )


class Ticker:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        *,
        directory: Directory | None = None,
        retry_for: timedelta = timedelta(hours=6),
    ):
        self._engine = engine
        self._sender = sender
        self._directory = directory or Directory(sender)
        self._retry_for = retry_for

    def tick(self, now: datetime) -> TickReport:
        now = utc(now)
        report = TickReport()
        with session_scope(self._engine) as session:
            planned = plan(session, now=now, directory=self._directory)
            report.claimed = claim(session, planned, now=now)
        self.deliver(now, report)
        return report

    # -- delivery -------------------------------------------------------------------------------
    def deliver(self, now: datetime, report: TickReport) -> None:
        while True:
            with session_scope(self._engine) as session:
                batch = _lease(session, now=now)
            if not batch:
                return
            self._send_paced(batch, now, report)
            if len(batch) < DELIVER_BATCH:
                return

    def _send_paced(self, batch: list[Outbox], now: datetime, report: TickReport) -> None:
        """Send a batch, always to a channel that may take a post now, so one busy channel's
        ~1 message/second pace never holds up the others; sleep only when every channel left is busy."""
        waiting = _interleave(posts_for(batch))
        while waiting:
            ready = next((post for post in waiting if self._sender.wait_before(post[0].channel) == 0), None)
            if ready is None:
                clock.sleep(min(self._sender.wait_before(post[0].channel) for post in waiting))
                continue
            waiting.remove(ready)
            self._send(ready, now, report)

    def _send(self, rows: list[Outbox], now: datetime, report: TickReport) -> None:
        """One Slack post for ``rows`` (one row, or several to one person as one DM); they share its fate."""
        first = rows[0]
        outcome: dict = {"error": None}
        follow_up: Planned | None = None
        messages = [Message(text=row.text, blocks=row.blocks) for row in rows]
        try:
            self._sender.post(first.team_id, first.channel, builders.combined(messages))
            outcome |= {"state": OutboxState.SENT, "sent_at": now}
            report.sent += len(rows)
        except SlackApiError as error:
            code = outcome["error"] = error_code(error)
            if code in PERMANENT_ERRORS:
                outcome["state"] = OutboxState.FAILED
                report.failed += len(rows)
                # Nobody to tell in a workspace that removed the app.
                follow_up = None if code == NOT_INSTALLED else self._failure_report(first, code, now)
        except OSError as error:  # network trouble the client's own retries did not get past
            outcome["error"] = type(error).__name__
        with session_scope(self._engine) as session:
            for row in rows:
                values = {"lease_until": None, "attempts": row.attempts + 1, **outcome}
                if "state" not in outcome:
                    values |= self._retry_later(row, outcome["error"], now, report)
                session.execute(update(Outbox).where(col(Outbox.id) == row.id).values(**values))
            if follow_up is not None:
                claim(session, [follow_up], now=now)

    def _retry_later(self, row: Outbox, code: str, now: datetime, report: TickReport) -> dict:
        if row.expires_at is not None and utc(row.expires_at) <= now:
            report.stale += 1
            return {"state": OutboxState.STALE, "error": code}
        report.retrying += 1
        backoff = timedelta(seconds=min(30 * 2**row.attempts, 1800))
        return {"error": code, "next_attempt_at": now + backoff}

    def _failure_report(self, row: Outbox, code: str, now: datetime) -> Planned | None:
        """Tell the release's PM, once, about a message no retry can deliver."""
        if row.release_id is None or row.kind == "failure":
            return None
        with session_scope(self._engine) as session:
            release = session.get(Release, row.release_id)
            if release is None or not release.pm_id or release.pm_id == row.channel:
                return None
            lang = language_of(session, row.team_id, release.pm_id)
        target = f"<@{row.channel}>" if row.channel.startswith(("U", "W")) else f"<#{row.channel}>"
        text = str(words("reminders", lang).delivery_failed(row.kind, target, code))
        return Planned(
            team_id=row.team_id,
            key=f"failure:{row.id}",
            kind="failure",
            channel=release.pm_id,
            message=builders.text_message(text),
            expires_at=now + self._retry_for,
            release_id=release.id,
        )


def posts_for(rows: list[Outbox]) -> list[list[Outbox]]:
    """The posts that carry ``rows``: one per row in a channel (each its own message to react to and
    thread under), while what waits for one person goes as few DMs as Slack's limits allow, not a pile
    of pings paced a second apart (a PM with forty late items gets one escalation DM, not forty)."""
    posts: list[list[Outbox]] = []
    open_dm: dict[str, list[Outbox]] = {}
    for row in rows:
        if not row.channel.startswith(("U", "W")):
            posts.append([row])
            continue
        current = open_dm.get(row.channel)
        if current is None or not _fits(current, row):
            current = open_dm[row.channel] = []
            posts.append(current)
        current.append(row)
    return posts


def _fits(post: list[Outbox], row: Outbox) -> bool:
    """Whether ``row`` can join ``post`` within one message's blocks (with dividers) and text."""
    blocks = sum(len(r.blocks) + 1 for r in post) + len(row.blocks)
    text = sum(len(r.text) + 2 for r in post) + len(row.text)
    return blocks <= MAX_MESSAGE_BLOCKS and text <= MAX_MESSAGE_TEXT


def _interleave(posts: list[list[Outbox]]) -> list[list[Outbox]]:
    """Round-robin over channels, so one channel's ~1 message/second pace never holds up the others."""
    per_channel: dict[str, list[list[Outbox]]] = defaultdict(list)
    for post in posts:
        per_channel[post[0].channel].append(post)
    queues = list(per_channel.values())
    ordered = []
    for depth in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[depth] for q in queues if depth < len(q))
    return ordered


def claim(session: Session, planned: list[Planned], *, now: datetime) -> int:
    """Insert each planned message unless its key exists: one statement, race-free on both databases."""
    if not planned:
        return 0
    rows = [
        {
            "team_id": p.team_id,
            "key": p.key,
            "kind": p.kind,
            "channel": p.channel,
            "text": p.message.text,
            "blocks": p.message.blocks,
            "release_id": p.release_id,
            "deliverable_id": p.deliverable_id,
            "state": OutboxState.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "expires_at": p.expires_at,
        }
        for p in planned
    ]
    statement = queries.upsert(session, Outbox.__table__).on_conflict_do_nothing(index_elements=["team_id", "key"])
    # One executemany through one cached statement, not a giant VALUES list compiled afresh each tick;
    # drivers differ in what rowcount says after executemany, so count what this tick created.
    session.execute(statement, rows)
    return session.exec(select(func.count()).select_from(Outbox).where(Outbox.created_at == now)).one()


def _lease(session: Session, *, now: datetime) -> list[Outbox]:
    due = (
        select(Outbox.id)
        .where(
            Outbox.state == OutboxState.PENDING,
            col(Outbox.next_attempt_at) <= now,
            or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now),
        )
        .order_by(Outbox.id)
        .limit(DELIVER_BATCH)
    )
    statement = (
        update(Outbox)
        .where(col(Outbox.id).in_(due.scalar_subquery()))
        .where(or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now))
        .values(lease_until=now + LEASE)
        .returning(Outbox)
    )
    return sorted(session.execute(statement).scalars().all(), key=lambda r: r.id)


# -- planning ------------------------------------------------------------------------------------
@dataclass
class Wanted:
    """A message the tick would claim under ``key``, worded only if no earlier tick claimed it already."""

    key: str
    compose: Callable[[], Planned | None]


def plan(session: Session, *, now: datetime, directory: Directory) -> list[Planned]:
    """Everything due at ``now`` across all workspaces, in a fixed number of queries per workspace.

    A standup is due from its time until midnight, so every minute's tick finds it due again: what an
    earlier tick claimed is recognised by its key and not worded again (it was most of a tick's work).
    """
    planned: list[Planned] = []
    for workspace in session.exec(select(Workspace).where(col(Workspace.uninstalled_at).is_(None))).all():
        team = _Team(workspace, calendar_of(workspace))
        releases = [r for r in queries.active_releases(session=session, team_id=workspace.team_id) if r.channel_id]
        bundles = queries.load_bundles(session=session, team_id=workspace.team_id, releases=releases, readonly=True)
        team.people = _people(session, directory, workspace, bundles)
        done_since = _done_since(session, workspace.team_id, releases, now=now)
        wanted: list[Wanted] = []
        for bundle in bundles:
            wanted.extend(_standup(team, bundle, done_since.get(bundle.release.id, []), now=now))
            wanted.extend(_ladder(team, bundle, now=now))
        wanted.extend(_digests(team, bundles, now=now))
        claimed = queries.outbox_keys(session=session, team_id=workspace.team_id, keys=[w.key for w in wanted])
        planned.extend(p for w in wanted if w.key not in claimed and (p := w.compose()) is not None)
    return planned


def _people(session: Session, directory: Directory, workspace: Workspace, bundles) -> dict[str, Person]:
    """Everyone a reminder may reach, with their timezone: cached, and asked of Slack once a day."""
    known = {p.user_id: p for p in session.exec(select(Person).where(Person.team_id == workspace.team_id)).all()}
    wanted = set(workspace.label_heads)
    for bundle in bundles:
        wanted.update(u for u in (bundle.release.pm_id, *(d.owner_id for d in bundle.live)) if u)
    for user_id in wanted:
        if user_id not in known or not directory.is_fresh(known[user_id]):
            person = directory.person(session, workspace.team_id, user_id)
            if person is not None:
                known[user_id] = person
    return known


def _end_of_day(day: date, timezone: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone)).astimezone(UTC)


def _done_since(session: Session, team_id: str, releases: list[Release], *, now: datetime) -> dict:
    """Per release, (deliverable, who) done since its last standup (or the last day), in two queries."""
    if not releases:
        return {}
    ids = [r.id for r in releases]
    last = dict(
        session.exec(
            select(Outbox.release_id, func.max(Outbox.created_at))
            .where(Outbox.team_id == team_id, Outbox.kind == "standup", col(Outbox.release_id).in_(ids))
            .group_by(Outbox.release_id)
        ).all()
    )
    floor = now - timedelta(days=4)
    activity = session.exec(
        select(Activity).where(
            Activity.team_id == team_id,
            Activity.action == "done",
            col(Activity.release_id).in_(ids),
            col(Activity.at) >= floor,
        )
    ).all()
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for entry in activity:
        since = utc(last[entry.release_id]) if entry.release_id in last else now - timedelta(days=1)
        if utc(entry.at) >= since:
            found[entry.release_id].append((entry.deliverable_id, entry.actor_id))
    return found


def _standup(team: _Team, bundle: queries.ReleaseBundle, done: list[tuple[int, str]], *, now: datetime) -> list[Wanted]:
    release = bundle.release
    ws = team.workspace
    hour, minute = (int(x) for x in ws.standup_time.split(":"))
    day = standup_day(
        now=now,
        timezone=release.timezone,
        standup_at=time(hour, minute),
        calendar=team.calendar,
        release_date=release.release_date,
    )
    if day is None:
        return []
    key = f"standup:{release.id}:{day.isoformat()}"
    return [Wanted(key, partial(_standup_message, team, bundle, done, key, day, now))]


def _standup_message(
    team: _Team, bundle: queries.ReleaseBundle, done: list[tuple[int, str]], key: str, day: date, now: datetime
) -> Planned | None:
    """The standup's words, or None on a quiet day in a workspace that wants no quiet standups."""
    release, ws = bundle.release, team.workspace
    snap = snapshot(bundle, today=day, now=now)
    by_id = bundle.by_id()
    done_items = [(by_id[d], who) for d, who in done if d in by_id and by_id[d].state == DeliverableState.DONE]
    message = builders.standup(snap, day=day, done_since=done_items, lang=ws.language)
    if message is None:
        if not ws.standup_when_quiet:
            return None
        message = builders.quiet_standup(snap, day=day, lang=ws.language)
    expires = _end_of_day(day, release.timezone)
    return Planned(release.team_id, key, "standup", release.channel_id, message, expires, release_id=release.id)


def _ladder(team: _Team, bundle: queries.ReleaseBundle, *, now: datetime) -> list[Wanted]:
    release = bundle.release
    today = local(now, release.timezone).date()
    wanted: list[Wanted] = []
    horizon = today + timedelta(days=LADDER_HORIZON_DAYS)
    for d in bundle.live:
        if d.state != DeliverableState.OPEN or d.due_date > horizon:
            continue
        owner_tz = team.tz_of(d.owner_id, release.timezone)
        facts = ItemFacts(d.due_date, d.owner_id, d.hard, release.release_date, d.snoozed_until)
        owner_today = local(now, owner_tz).date()
        for step in due_steps(facts, today=today, owner_today=owner_today, calendar=team.calendar):
            for channel, wording, tz in _recipients(team, release, d, step, today=today):
                if not office_hours(now, tz, team.calendar):
                    continue
                key = f"ladder:{d.id}:{step.step}:{d.due_date.isoformat()}:{channel}"
                expires = _end_of_day(local(now, tz).date(), tz)
                if step.step == Step.ESCALATE:
                    expires = now + timedelta(days=1)
                wanted.append(Wanted(key, partial(_ladder_message, release, d, key, step, channel, wording, expires)))
    return wanted


def _ladder_message(release: Release, d, key: str, step: DueStep, channel: str, wording, expires: datetime) -> Planned:
    message = builders.text_message(str(wording()))
    return Planned(release.team_id, key, f"ladder-{step.step}", channel, message, expires, release.id, d.id)


def _recipients(team: _Team, release: Release, d, step: DueStep, *, today: date):
    """(channel or user, the words for them in their language, the timezone whose office hours apply) for one
    ladder step; the words are a call, made only for a message no earlier tick has claimed."""
    late_by = (today - d.due_date).days
    pm = release.pm_id
    pm_tz = team.tz_of(pm, release.timezone)
    if step.step == Step.UNCLAIMED:
        yield release.channel_id, partial(team.reminders().unclaimed_channel, d, release), release.timezone
        if pm:
            yield pm, partial(team.reminders(pm).unclaimed_pm, d, release), pm_tz
    elif step.step in (Step.HEADS_UP, Step.DUE_TODAY):
        w = team.reminders(d.owner_id)
        macro = w.heads_up if step.step == Step.HEADS_UP else w.due_today
        yield d.owner_id, partial(macro, d, release), team.tz_of(d.owner_id, release.timezone)
    elif step.step == Step.OVERDUE:
        yield release.channel_id, partial(team.reminders().overdue_channel, d, release, late_by), release.timezone
        if pm and pm != d.owner_id:
            yield pm, partial(team.reminders(pm).overdue_pm, d, release, late_by), pm_tz
    else:
        days_left = (release.release_date - today).days
        ws = team.workspace
        if ws.escalation_channel:
            escalation = partial(team.reminders().escalation, d, release, late_by, days_left)
            yield ws.escalation_channel, escalation, ws.timezone
        else:
            for head in ws.label_heads or ([pm] if pm else []):
                escalation = partial(team.reminders(head).escalation, d, release, late_by, days_left)
                yield head, escalation, team.tz_of(head, ws.timezone)


def _digests(team: _Team, bundles: list[queries.ReleaseBundle], *, now: datetime) -> list[Wanted]:
    """Each owner's morning DM: their deliverables due within a week or late, across releases."""
    per_owner: dict[str, list] = defaultdict(list)
    for bundle in bundles:
        for d in bundle.live:
            if d.state == DeliverableState.OPEN and d.owner_id:
                per_owner[d.owner_id].append((d, bundle.release))
    wanted = []
    for owner, items in per_owner.items():
        tz = team.tz_of(owner, team.workspace.timezone)
        if not office_hours(now, tz, team.calendar):
            continue
        today = local(now, tz).date()
        horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
        due = sorted(
            ((d, r) for d, r in items if d.due_date <= horizon and not (d.snoozed_until and today < d.snoozed_until)),
            key=lambda pair: (pair[0].due_date, pair[1].release_date),
        )
        if due:
            key = f"digest:{owner}:{today.isoformat()}"
            wanted.append(Wanted(key, partial(_digest, team, key, owner, due, today, _end_of_day(today, tz))))
    return wanted


def _digest(team: _Team, key: str, owner: str, due: list, today: date, expires: datetime) -> Planned:
    message = builders.digest(due, today=today, lang=team.lang_of(owner))
    return Planned(team.workspace.team_id, key, "digest", owner, message, expires)
