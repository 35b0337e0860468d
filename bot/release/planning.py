"""What the tick wants sent at ``now``: each release's standup, each deliverable's reminder ladder, each
owner's morning digest, worded in the reader's language and keyed so that each exists once.

There is no scheduler job per release: every tick reads the database and plans afresh; the outbox's keys
(:mod:`storage.outbox`) recognise what an earlier tick already reserved. A release, deliverable or person
whose planning or wording raises is skipped, logged and reported to the release's PM once (a reserved
``trouble:`` key remembers it), and everything else still goes out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.release import weekly
from bot.release.calendar import (
    Calendar,
    DueStep,
    ItemFacts,
    LadderRules,
    Step,
    calendar_of,
    due_steps,
    local,
    local_today,
    office_hours,
    standup_day,
)
from bot.release.health import snapshot
from bot.release.outcome import utc
from messages import builders
from messages.facts import Roster
from messages.render import Message, language_for, words
from storage import outbox, queries
from storage.models import Deliverable, DeliverableState, OutboxState, Person, Release, Workspace

log = logging.getLogger(__name__)

DIGEST_HORIZON_DAYS = 7
# The morning DM goes out in the morning; what becomes someone's later waits for the next morning's, unless
# it is due by the next working day.
MORNING_DM_UNTIL = time(12)
# No ladder step comes earlier before a due date than the unclaimed ask, 5 working days before it: a week,
# or two over Christmas and New Year; a month covers any calendar with a working day most weeks.
LADDER_HORIZON_DAYS = 31
# How much of an exception's text the PM's report quotes.
PROBLEM_CHARS = 200


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

    def roster(self) -> Roster:
        """How standups name this team's people: by their names, and without mentioning who turned that off."""
        return Roster(
            names={p.user_id: p.name for p in self.people.values() if p.name},
            unpinged=frozenset(p.user_id for p in self.people.values() if not p.standup_mentions),
        )

    def reminders(self, to: str | None = None):
        """The reminder words for a message to ``to`` (a user id), or to a channel."""
        return words("reminders", self.lang_of(to))


def reserve(session: Session, planned: list[Planned], *, now: datetime) -> int:
    """Reserve each planned message in the outbox unless its key is there already; how many were new."""
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
    return outbox.reserve(session=session, rows=rows, now=now)


# -- planning ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """What a message is about: named in the log and in the PM's report when planning or wording it raises.
    ``what`` is ``standup``, ``ladder`` (one deliverable's reminders) or ``digest`` (one person's morning DM,
    which may carry several releases' work)."""

    what: str
    releases: tuple[Release, ...]
    deliverable: Deliverable | None = None
    user_id: str | None = None

    def trouble_keys(self) -> dict[str, Release]:
        """The outbox key under which each release's PM is told about this subject's trouble, once."""
        if self.what == "ladder":
            return {f"trouble:ladder:{self.deliverable.id}": self.releases[0]}
        if self.what == "digest":
            return {f"trouble:digest:{self.user_id}:{r.id}": r for r in self.releases}
        return {f"trouble:standup:{r.id}": r for r in self.releases}

    def describe(self) -> str:
        releases = ", ".join(str(r.id) for r in self.releases)
        if self.what == "ladder":
            return f"reminders of deliverable {self.deliverable.id} (release {releases})"
        if self.what == "digest":
            return f"morning DM of user {self.user_id} (releases {releases})"
        return f"standup of release {releases}"

    def ids(self) -> dict:
        return {
            "release_ids": [r.id for r in self.releases],
            "deliverable_id": self.deliverable.id if self.deliverable is not None else None,
            "user_id": self.user_id,
        }


@dataclass
class Wanted:
    """A message the tick would claim under ``key``, worded only if no earlier tick claimed it already."""

    key: str
    compose: Callable[[], Planned | None]
    about: Subject


class _Troubles:
    """What raised while planning one workspace, each skipped where it happened."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[Subject, Exception, Release]] = {}

    @contextmanager
    def isolated(self, subject: Subject) -> Iterator[None]:
        """Run the block for ``subject``; if it raises, note the trouble and go on after the block."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - one bad record never stops the others; reported below
            self.note(subject, error)

    def note(self, subject: Subject, error: Exception) -> None:
        for key, release in subject.trouble_keys().items():
            self.found.setdefault(key, (subject, error, release))

    def reports(self, session: Session, team: _Team, *, now: datetime) -> list[Planned]:
        """Log each trouble not met before, and tell the release's PM about it: once, under its key."""
        if not self.found:
            return []
        team_id = team.workspace.team_id
        known = outbox.reserved_keys(session=session, team_id=team_id, keys=list(self.found))
        reports, logged = [], set()
        for key, (subject, error, release) in self.found.items():
            if key in known:
                continue
            if id(error) not in logged:
                logged.add(id(error))
                extra = {"slack_team": team_id, **subject.ids()}
                log.error("tick skipped the %s: %r", subject.describe(), error, exc_info=error, extra=extra)
            try:
                reports.append(_trouble_report(team, key, subject, error, release, now=now))
            except Exception:  # noqa: BLE001 - the PM's report must not stop the others' messages
                log.exception("could not word the report on the %s", subject.describe())
        return reports


def _trouble_report(team: _Team, key: str, subject: Subject, error: Exception, release: Release, *, now) -> Planned:
    pm = release.pm_id or release.created_by
    problem = f"{type(error).__name__}: {error}"[:PROBLEM_CHARS]
    text = team.reminders(pm).planning_failed(subject.what, release, subject.deliverable, subject.user_id, problem)
    message = builders.text_message(str(text))
    return Planned(team.workspace.team_id, key, "trouble", pm, message, now + timedelta(days=1), release.id)


def plan(session: Session, *, now: datetime) -> list[Planned]:
    """Everything due at ``now`` across all workspaces, in a fixed number of queries per workspace. People
    are read from the cache (refreshed from Slack before the transaction, see :func:`people_to_reach`).

    A standup is due from its time until midnight, so every minute's tick finds it due again: what an
    earlier tick reserved is recognised by its key and not worded again (it was most of a tick's work).
    """
    planned: list[Planned] = []
    for workspace in session.exec(select(Workspace).where(col(Workspace.uninstalled_at).is_(None))).all():
        try:
            planned.extend(_plan_workspace(session, workspace, now=now))
        except Exception:  # noqa: BLE001 - one workspace's trouble never stops the others'
            log.exception("tick skipped workspace %s", workspace.team_id, extra={"slack_team": workspace.team_id})
    return planned


def _plan_workspace(session: Session, workspace: Workspace, *, now: datetime) -> list[Planned]:
    team = _Team(workspace, calendar_of(workspace))
    releases = [r for r in queries.active_releases(session=session, team_id=workspace.team_id) if r.channel_id]
    bundles = queries.load_bundles(session=session, team_id=workspace.team_id, releases=releases, readonly=True)
    team.people = queries.people_by_id(session=session, team_id=workspace.team_id)
    done_since = _done_since(session, workspace.team_id, releases, now=now)
    troubles = _Troubles()
    wanted: list[Wanted] = []
    for bundle in bundles:
        with troubles.isolated(Subject("standup", (bundle.release,))):
            wanted.extend(_standup(team, bundle, done_since.get(bundle.release.id, []), now=now))
        wanted.extend(_ladder(team, bundle, troubles, now=now))
    wanted.extend(_digests(team, bundles, troubles, now=now))
    wanted.extend(_weekly(team, bundles, now=now))
    reserved = outbox.reserved_keys(session=session, team_id=workspace.team_id, keys=[w.key for w in wanted])
    planned: list[Planned] = []
    for w in wanted:
        if w.key in reserved:
            continue
        try:
            if (p := w.compose()) is not None:
                planned.append(p)
        except Exception as error:  # noqa: BLE001 - one message's words never stop the others'
            troubles.note(w.about, error)
    return planned + troubles.reports(session, team, now=now)


def _end_of_day(day: date, timezone: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone)).astimezone(UTC)


def _done_since(session: Session, team_id: str, releases: list[Release], *, now: datetime) -> dict:
    """Per release, (deliverable, who) done since its last standup (or the last day), in two queries."""
    if not releases:
        return {}
    ids = [r.id for r in releases]
    last = outbox.last_standups(session=session, team_id=team_id, release_ids=ids)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for entry in queries.done_since(session=session, team_id=team_id, release_ids=ids, since=now - timedelta(days=4)):
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
    return [Wanted(key, partial(_standup_message, team, bundle, done, key, day, now), Subject("standup", (release,)))]


def _standup_message(
    team: _Team, bundle: queries.ReleaseBundle, done: list[tuple[int, str]], key: str, day: date, now: datetime
) -> Planned | None:
    """The standup's words, or None on a quiet day in a workspace that wants no quiet standups."""
    release, ws = bundle.release, team.workspace
    snap = snapshot(bundle, today=day, now=now, calendar=team.calendar)
    by_id = bundle.by_id()
    done_items = [(by_id[d], who) for d, who in done if d in by_id and by_id[d].state == DeliverableState.DONE]
    message = builders.standup(snap, day=day, done_since=done_items, roster=team.roster(), lang=ws.language)
    if message is None:
        if not ws.standup_when_quiet:
            return None
        message = builders.quiet_standup(snap, day=day, lang=ws.language)
    expires = _end_of_day(day, release.timezone)
    return Planned(release.team_id, key, "standup", release.channel_id, message, expires, release_id=release.id)


def _ladder(team: _Team, bundle: queries.ReleaseBundle, troubles: _Troubles, *, now: datetime) -> list[Wanted]:
    release = bundle.release
    wanted: list[Wanted] = []
    with troubles.isolated(Subject("standup", (release,))):  # the release's own day: its standup fails alike
        today = local_today(now, release.timezone)
        horizon = today + timedelta(days=LADDER_HORIZON_DAYS)
        for d in bundle.live:
            if d.state == DeliverableState.OPEN and d.due_date <= horizon:
                try:  # all of the deliverable's steps, or none
                    wanted.extend(list(_ladder_steps(team, release, d, today=today, now=now)))
                except Exception as error:  # noqa: BLE001 - one deliverable never stops the others
                    troubles.note(Subject("ladder", (release,), d), error)
    return wanted


def _ladder_steps(team: _Team, release: Release, d: Deliverable, *, today: date, now: datetime) -> Iterator[Wanted]:
    about = Subject("ladder", (release,), d)
    owner_tz = team.tz_of(d.owner_id, release.timezone)
    created = local_today(utc(release.created_at), release.timezone) if release.created_at else None
    late_at_creation = created is not None and d.due_date < created
    facts = ItemFacts(d.due_date, d.owner_id, d.hard, release.release_date, d.snoozed_until, late_at_creation)
    owner_today = local_today(now, owner_tz)
    rules = LadderRules(escalate_after=team.workspace.escalate_after)
    for step in due_steps(facts, today=today, owner_today=owner_today, calendar=team.calendar, rules=rules):
        for channel, wording, tz in _recipients(team, release, d, step, today=today):
            if not office_hours(now, tz, team.calendar):
                continue
            key = f"ladder:{d.id}:{step.step}:{d.due_date.isoformat()}:{channel}"
            expires = _end_of_day(local_today(now, tz), tz)
            if step.step == Step.ESCALATE:
                expires = now + timedelta(days=1)
            lang = team.lang_of(channel)  # a channel id names nobody: the workspace's language
            yield Wanted(key, partial(_ladder_message, release, d, key, step, channel, wording, expires, lang), about)


def _ladder_message(
    release: Release, d, key: str, step: DueStep, channel: str, wording, expires: datetime, lang: str
) -> Planned:
    text = str(wording())
    message = (
        builders.unclaimed_ask(text, d.id, lang=lang) if step.step == Step.UNCLAIMED else builders.text_message(text)
    )
    return Planned(release.team_id, key, f"ladder-{step.step}", channel, message, expires, release.id, d.id)


def _recipients(team: _Team, release: Release, d, step: DueStep, *, today: date):
    """(channel or user, the words for them in their language, the timezone whose office hours apply) for one
    ladder step; the words are a call, made only for a message no earlier tick has claimed."""
    late_by = team.calendar.workdays_between(d.due_date, today)
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
        days_left = team.calendar.workdays_between(today, release.release_date)
        ws = team.workspace
        if ws.escalation_channel:
            escalation = partial(team.reminders().escalation, d, release, late_by, days_left)
            yield ws.escalation_channel, escalation, ws.timezone
        else:
            for head in ws.label_heads or ([pm] if pm else []):
                escalation = partial(team.reminders(head).escalation, d, release, late_by, days_left)
                yield head, escalation, team.tz_of(head, ws.timezone)


def _digests(team: _Team, bundles: list[queries.ReleaseBundle], troubles: _Troubles, *, now: datetime) -> list[Wanted]:
    """Each owner's morning DM: their deliverables due within a week or late, across releases."""
    per_owner: dict[str, list] = defaultdict(list)
    for bundle in bundles:
        for d in bundle.live:
            if d.state == DeliverableState.OPEN and d.owner_id:
                per_owner[d.owner_id].append((d, bundle.release))
    wanted = []
    for owner, items in per_owner.items():
        about = Subject("digest", tuple({r.id: r for _, r in items}.values()), user_id=owner)
        with troubles.isolated(about):
            wanted.extend(_digest_wanted(team, owner, items, about, now=now))
    return wanted


def _digest_wanted(team: _Team, owner: str, items: list, about: Subject, *, now: datetime) -> list[Wanted]:
    tz = team.tz_of(owner, team.workspace.timezone)
    if not office_hours(now, tz, team.calendar):
        return []
    today = local_today(now, tz)
    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    due = sorted(
        ((d, r) for d, r in items if d.due_date <= horizon and not (d.snoozed_until and today < d.snoozed_until)),
        key=lambda pair: (pair[0].due_date, pair[1].release_date),
    )
    if not due or not _morning_or_pressing(team, due, now=now, tz=tz, today=today):
        return []
    key = f"digest:{owner}:{today.isoformat()}"
    return [Wanted(key, partial(_digest, team, key, owner, due, today, _end_of_day(today, tz)), about)]


def _morning_or_pressing(team: _Team, due: list, *, now: datetime, tz: str, today: date) -> bool:
    if local(now, tz).time() < MORNING_DM_UNTIL:
        return True
    next_workday = team.calendar.first_workday_after(today)
    return any(d.due_date <= next_workday for d, _ in due)


def _digest(team: _Team, key: str, owner: str, due: list, today: date, expires: datetime) -> Planned:
    message = builders.digest(due, today=today, lang=team.lang_of(owner))
    return Planned(team.workspace.team_id, key, "digest", owner, message, expires)


# -- the weekly picture --------------------------------------------------------------------------
def _weekly(team: _Team, bundles: list[queries.ReleaseBundle], *, now: datetime) -> list[Wanted]:
    """The label's picture to the escalation channel (else each label head) and each PM's own by DM, on the
    workspace's first working day of the week at standup time (the recipient's, or the workspace's for a
    channel). A label head gets the label's picture only; a label with no active release, none.

    Only the claim is made here: the picture is drawn when it is sent (:mod:`bot.slack.pictures`), outside
    the tick's transaction."""
    if not bundles:
        return []
    ws = team.workspace
    standup_at = time(*(int(x) for x in ws.standup_time.split(":")))
    heads = [ws.escalation_channel] if ws.escalation_channel else list(dict.fromkeys(ws.label_heads))
    pms = sorted({b.release.pm_id for b in bundles if b.release.pm_id} - set(heads))
    wanted = []
    for recipient, kind in [*((h, weekly.LABEL_PICTURE) for h in heads), *((pm, weekly.PM_PICTURE) for pm in pms)]:
        tz = team.tz_of(recipient, ws.timezone) if recipient.startswith(("U", "W")) else ws.timezone
        day = weekly.picture_day(now=now, timezone=tz, standup_at=standup_at, calendar=team.calendar)
        if day is not None:
            key = f"weekly:{recipient}:{weekly.monday_of(day).isoformat()}"
            planned = Planned(ws.team_id, key, kind, recipient, Message(text=key), _end_of_day(day, tz))
            wanted.append(Wanted(key, lambda planned=planned: planned, Subject("weekly", ())))
    return wanted
