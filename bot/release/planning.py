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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.release import absence, approvals, brief
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
    week_start,
)
from bot.release.escalations import DIGEST_KIND, History, history
from bot.release.foresight import weekly
from bot.release.foresight.critical_path import forecast
from bot.release.health import snapshot
from bot.release.memory import recall
from bot.release.memory.retro import retro_day
from bot.release.outcome import utc
from messages import approvals as approval_words
from messages import brief as brief_words
from messages import builders
from messages.facts import Covering, DigestItem, EscalatedItem, EscalatedRelease, LadderLine, Roster, Standing
from messages.render import Message, language_for, words
from storage import approvals as approval_store
from storage import brief as briefs
from storage import outbox, queries
from storage.models import Blocker, Deliverable, DeliverableState, OutboxState, Person, Release, Workspace

log = logging.getLogger(__name__)

DIGEST_HORIZON_DAYS = 7
# The morning DM goes out in the morning; what becomes someone's later waits for the next morning's, unless
# it is due by the next working day.
MORNING_DM_UNTIL = time(12)
# No ladder step comes earlier before a due date than the unclaimed ask, 5 working days before it: a week,
# or two over Christmas and New Year; a month covers any calendar with a working day most weeks.
LADDER_HORIZON_DAYS = 31
BLOCKED_STEPS = (Step.BLOCKED_TWO, Step.BLOCKED_FIVE)
# Since when a release that has no standup yet nor a creation time reports what was done.
EVER = datetime.min.replace(tzinfo=UTC)
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
    state: str = OutboxState.PENDING
    # Lines this message carries, each reserved under its own key (state ``carried``) so that none is told twice.
    carries: list[Planned] = field(default_factory=list)


@dataclass
class _Team:
    workspace: Workspace
    calendar: Calendar
    people: dict[str, Person] = field(default_factory=dict)
    # Per release, its open sign-offs' pending approvals (each with its sign-off).
    approvals: dict[int, list] = field(default_factory=dict)
    # Who is away at the tick's moment, and who covers (bot.release.absence); None: nobody.
    away: absence.Book | None = None

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
            away=self.away.away_now() if self.away is not None else {},
        )

    def reader(self, user_id: str, release: Release) -> tuple[str, Covering | None]:
        """Who reads what would be told ``user_id`` about ``release``: their cover while they are away."""
        return self.away.reader(user_id, release) if self.away is not None else (user_id, None)

    def reminders(self, to: str | None = None):
        """The reminder words for a message to ``to`` (a user id), or to a channel."""
        return words("reminders", self.lang_of(to))


def reserve(session: Session, planned: list[Planned], *, now: datetime) -> int:
    """Reserve each planned message in the outbox unless its key is there already; how many were new."""
    rows = [
        outbox.row(
            team_id=p.team_id,
            key=p.key,
            kind=p.kind,
            channel=p.channel,
            text=p.message.text,
            blocks=p.message.blocks,
            now=now,
            expires_at=p.expires_at,
            release_id=p.release_id,
            deliverable_id=p.deliverable_id,
            state=p.state,
        )  # fmt: skip
        for p in (row for message in planned for row in (message, *message.carries))
    ]
    return outbox.reserve(session=session, rows=rows, now=now)


# -- planning ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """What a message is about: named in the log and in the PM's report when planning or wording it raises.
    ``what`` is ``standup``, ``ladder`` (one deliverable's reminders), ``digest`` (one person's morning DM,
    which may carry several releases' work), ``ladder-dm`` (one person's ladder DM of the day, likewise) or
    ``escalations`` (a label head's or the escalation channel's daily digest, likewise) or ``brief`` (a
    release's weekly brief for the artist's team)."""

    what: str
    releases: tuple[Release, ...]
    deliverable: Deliverable | None = None
    user_id: str | None = None

    def trouble_keys(self) -> dict[str, Release]:
        """The outbox key under which each release's PM is told about this subject's trouble, once."""
        if self.what == "ladder":
            return {f"trouble:ladder:{self.deliverable.id}": self.releases[0]}
        if self.what in ("digest", "ladder-dm", "escalations"):
            return {f"trouble:{self.what}:{self.user_id}:{r.id}": r for r in self.releases}
        if self.what == "brief":
            return {f"trouble:brief:{r.id}": r for r in self.releases}
        return {f"trouble:standup:{r.id}": r for r in self.releases}

    def describe(self) -> str:
        releases = ", ".join(str(r.id) for r in self.releases)
        if self.what == "ladder":
            return f"reminders of deliverable {self.deliverable.id} (release {releases})"
        if self.what in ("digest", "ladder-dm"):
            kind = "morning DM" if self.what == "digest" else "ladder DM"
            return f"{kind} of user {self.user_id} (releases {releases})"
        if self.what == "escalations":
            return f"escalation digest to {self.user_id} (releases {releases})"
        if self.what == "brief":
            return f"weekly brief of release {releases}"
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
    team.approvals = _pending_approvals(session, workspace.team_id, releases)
    team.away = absence.book_of(session, workspace, team.people, now=now)
    done_since: dict[int, list[tuple[int, str]]] = {}  # filled below, for the standups this tick words
    troubles = _Troubles()
    wanted: list[Wanted] = []
    lines: list[_Line] = []
    for bundle in bundles:
        with troubles.isolated(Subject("standup", (bundle.release,))):
            wanted.extend(_standup(team, bundle, done_since, now=now))
        steps, told = _ladder(team, bundle, troubles, now=now)
        wanted.extend(steps)
        lines.extend(_covered(team, told))
    wanted.extend(_digests(team, bundles, troubles, now=now))
    wanted.extend(_escalation_digests(session, team, bundles, troubles, now=now))
    wanted.extend(_retros(session, team, releases, troubles, now=now))
    wanted.extend(_weekly(team, bundles, now=now))
    wanted.extend(_briefs(session, team, bundles, troubles, now=now))
    wanted.extend(_approval_nudges(team, releases, now=now))
    keys = [w.key for w in wanted] + [line.key for line in lines] + _ladder_dm_keys(team, lines, now=now)
    reserved = outbox.reserved_keys(session=session, team_id=workspace.team_id, keys=keys)
    wanted.extend(_ladder_dms(team, lines, reserved, troubles, now=now))
    fresh_standups = [w.about.releases[0] for w in wanted if w.key.startswith("standup:") and w.key not in reserved]
    done_since.update(_done_since(session, workspace.team_id, fresh_standups, now=now))
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
    """Per release, (deliverable, who) done since its previous standup however long ago (a long weekend, the
    holidays), or since it was created, in two queries. Asked only for the standups a tick words, each once a
    day, so the rows read are those releases' done items since then, never a scan of every tick's window."""
    if not releases:
        return {}
    ids = [r.id for r in releases]
    last = outbox.last_standups(session=session, team_id=team_id, release_ids=ids)
    since = {r.id: utc(last[r.id]) if r.id in last else utc(r.created_at or EVER) for r in releases}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for entry in queries.done_since(session=session, team_id=team_id, release_ids=ids, since=min(since.values())):
        if utc(entry.at) >= since[entry.release_id]:
            found[entry.release_id].append((entry.deliverable_id, entry.actor_id))
    return found


def _standup(team: _Team, bundle: queries.ReleaseBundle, done: dict, *, now: datetime) -> list[Wanted]:
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
    team: _Team, bundle: queries.ReleaseBundle, done: dict, key: str, day: date, now: datetime
) -> Planned | None:
    """The standup's words, or None on a quiet day in a workspace that wants no quiet standups. ``done``: per
    release, what was done since its previous standup."""
    release, ws = bundle.release, team.workspace
    snap = snapshot(bundle, today=day, now=now, calendar=team.calendar)
    by_id = bundle.by_id()
    done_items = [
        (by_id[d], who) for d, who in done.get(release.id, []) if d in by_id and by_id[d].state == DeliverableState.DONE
    ]
    message = builders.standup(snap, day=day, done_since=done_items, roster=team.roster(), lang=ws.language)
    if message is None:
        if not ws.standup_when_quiet:
            return None
        message = builders.quiet_standup(snap, day=day, lang=ws.language)
    waiting = approvals.waiting(release, team.approvals.get(release.id, []))
    message = approval_words.with_waiting(message, waiting, lang=ws.language)
    expires = _end_of_day(day, release.timezone)
    return Planned(release.team_id, key, "standup", release.channel_id, message, expires, release_id=release.id)


@dataclass(frozen=True)
class _Line:
    """A ladder step's words for a person: a line of their ladder DM of the day (:func:`_ladder_dms`), told
    once under ``key`` as its own message was before."""

    key: str
    user: str
    release: Release
    deliverable: Deliverable
    step: DueStep
    wording: Callable[[], object]


def _ladder(
    team: _Team, bundle: queries.ReleaseBundle, troubles: _Troubles, *, now: datetime
) -> tuple[list[Wanted], list[_Line]]:
    """The release's ladder steps due now: channel posts and escalations as messages of their own, and what
    they tell a person as lines of that person's ladder DM."""
    release = bundle.release
    steps: list[Wanted | _Line] = []
    with troubles.isolated(Subject("standup", (release,))):  # the release's own day: its standup fails alike
        today = local_today(now, release.timezone)
        horizon = today + timedelta(days=LADDER_HORIZON_DAYS)
        for d in bundle.live:
            # A blocker's notices to the PM come however far off the due date is.
            if d.state == DeliverableState.OPEN and (d.due_date <= horizon or d.id in bundle.open_blockers):
                try:  # all of the deliverable's steps, or none
                    blocker = bundle.open_blockers.get(d.id)
                    steps.extend(list(_ladder_steps(team, release, d, blocker, today=today, now=now)))
                except Exception as error:  # noqa: BLE001 - one deliverable never stops the others
                    troubles.note(Subject("ladder", (release,), d), error)
        steps.extend(_hard_deadlines_at_risk(team, bundle, today=today))
    return [s for s in steps if isinstance(s, Wanted)], [s for s in steps if isinstance(s, _Line)]


def _hard_deadlines_at_risk(team: _Team, bundle: queries.ReleaseBundle, *, today: date) -> Iterator[_Line]:
    """A line in the PM's ladder DM when late work first makes a hard deadline impossible (the critical path,
    :mod:`bot.release.foresight.critical_path`): once per hard deliverable and due date. Only a release with late work
    can have such a chain, so the others cost nothing."""
    release = bundle.release
    if not any(d.state == DeliverableState.OPEN and d.due_date < today for d in bundle.live):
        return
    pm = release.pm_id or release.created_by
    ahead = forecast(bundle.live, bundle.upstream, release_date=release.release_date, today=today,
                     calendar=team.calendar)  # fmt: skip
    for chain in ahead.chains:
        hard = chain.hard.deliverable
        key = f"ladder:{hard.id}:{Step.AT_RISK}:{hard.due_date.isoformat()}:{pm}"
        wording = partial(team.reminders(pm).hard_at_risk, chain)
        yield _Line(key, pm, release, hard, DueStep(Step.AT_RISK, today), wording)


def _item_facts(release: Release, d: Deliverable, blocker: Blocker | None) -> ItemFacts:
    created = local_today(utc(release.created_at), release.timezone) if release.created_at else None
    planned = release.planned_on or created  # the day its dates were last planned: created, or moved
    late_at_creation = planned is not None and d.due_date < planned
    blocked_since = local_today(utc(blocker.raised_at), release.timezone) if blocker is not None else None
    return ItemFacts(
        d.due_date, d.owner_id, d.hard, release.release_date, d.snoozed_until, late_at_creation, blocked_since
    )


def _ladder_rules(team: _Team) -> LadderRules:
    return LadderRules(escalate_after=team.workspace.escalate_after)


def _ladder_steps(
    team: _Team, release: Release, d: Deliverable, blocker: Blocker | None, *, today: date, now: datetime
) -> Iterator[Wanted]:
    """Each step's message to each recipient; escalations go in the daily digest instead (see
    :func:`_escalation_digests`)."""
    about = Subject("ladder", (release,), d)
    owner_tz = team.tz_of(d.owner_id, release.timezone)
    facts = _item_facts(release, d, blocker)
    owner_today = local_today(now, owner_tz)
    steps = due_steps(facts, today=today, owner_today=owner_today, calendar=team.calendar, rules=_ladder_rules(team))
    for step in steps:
        for channel, wording, tz in _recipients(team, release, d, step, blocker, today=today):
            # A blocker's notices belong to that blocker; the other steps to the due date.
            anchor = f"blocker-{blocker.id}" if step.step in BLOCKED_STEPS else d.due_date.isoformat()
            key = f"ladder:{d.id}:{step.step}:{anchor}:{channel}"
            if _is_person(channel):  # told in the person's ladder DM of the day
                yield _Line(key, channel, release, d, step, wording)
                continue
            if not office_hours(now, tz, team.calendar):
                continue
            expires = _end_of_day(local_today(now, tz), tz)
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


def _recipients(team: _Team, release: Release, d, step: DueStep, blocker: Blocker | None, *, today: date):
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
        return  # they travel in the owner's morning DM (:func:`_digest_wanted`)
    elif step.step == Step.OVERDUE:
        yield release.channel_id, partial(team.reminders().overdue_channel, d, release, late_by), release.timezone
        if pm and pm != d.owner_id:
            yield pm, partial(team.reminders(pm).overdue_pm, d, release, late_by), pm_tz
    elif step.step in BLOCKED_STEPS:
        pm = pm or release.created_by
        raised_on = local_today(utc(blocker.raised_at), release.timezone)
        open_for = team.calendar.workdays_between(raised_on, today)
        notice = partial(team.reminders(pm).blocked_pm, d, release, blocker, open_for, raised_on)
        yield pm, notice, team.tz_of(pm, release.timezone)


def _is_person(channel: str) -> bool:
    return channel.startswith(("U", "W"))


def _covered(team: _Team, lines: list[_Line]) -> list[_Line]:
    """The lines for someone away, to whoever covers (each saying for whom); their keys stay theirs, so a line
    told to the cover is not told again when they are back."""
    covered = []
    for line in lines:
        reader, away = team.reader(line.user, line.release)
        if away is not None:
            wording = partial(_covering_line, team.lang_of(reader), away, line.wording)
            line = replace(line, user=reader, wording=wording)
        covered.append(line)
    return covered


def _covering_line(lang: str, away: Covering, wording: Callable[[], object]) -> str:
    return str(words("away", lang).covering_line(away, str(wording())))


def _ladder_dm_keys(team: _Team, lines: list[_Line], *, now: datetime) -> list[str]:
    """The keys of the ladder DMs each person with a line may be owed today (see :func:`_ladder_dms`)."""
    keys = []
    for user in {line.user for line in lines}:
        day = local_today(now, team.tz_of(user, team.workspace.timezone)).isoformat()
        keys += [f"ladder-dm:{user}:{day}", f"ladder-dm:{user}:{day}:later"]
    return keys


def _ladder_dms(
    team: _Team, lines: list[_Line], reserved: set[str], troubles: _Troubles, *, now: datetime
) -> list[Wanted]:
    """One DM a working day per person for what the ladder tells them rather than a channel (the PM's unowned
    and overdue items, any later kind), every line grouped by release and told once: each line's key is
    reserved with the DM, as ``carried``.

    The day's DM goes at the first tick in their office hours, in the morning, that has a line for them. A line
    turning up later that day waits for the next working day's while its step is due then (an unowned item's
    ask is, until its due date), unless the item is due by the next working day: then one more DM that day
    carries all that waits. Past that one a pressing line waits too, and an overdue notice, whose step belongs
    to its one day, is then told only by the release channel's post.
    """
    per_person: dict[str, list[_Line]] = defaultdict(list)
    for line in lines:
        if line.key not in reserved:
            per_person[line.user].append(line)
    wanted = []
    for user, waiting in per_person.items():
        tz = team.tz_of(user, team.workspace.timezone)
        if not office_hours(now, tz, team.calendar):
            continue
        today = local_today(now, tz)
        key = _ladder_dm_key(team, user, waiting, reserved, now=local(now, tz), today=today)
        if key is None:
            continue
        worded = []
        for line in waiting:
            with troubles.isolated(Subject("ladder", (line.release,), line.deliverable)):
                worded.append((line, str(line.wording())))
        if worded:
            releases = tuple({line.release.id: line.release for line, _ in worded}.values())
            about = Subject("ladder-dm", releases, user_id=user)
            expires = _end_of_day(today, tz)
            wanted.append(Wanted(key, partial(_ladder_dm, team, key, user, worded, expires), about))
    return wanted


def _ladder_dm_key(
    team: _Team, user: str, waiting: list[_Line], reserved: set[str], *, now: datetime, today: date
) -> str | None:
    """Which of the person's two ladder DMs of ``today`` (their local ``now``) the waiting lines go in, if any."""
    first = f"ladder-dm:{user}:{today.isoformat()}"
    pressing = any(line.deliverable.due_date <= team.calendar.first_workday_after(today) for line in waiting)
    if first not in reserved:
        return first if pressing or now.time() < MORNING_DM_UNTIL else None
    later = f"{first}:later"
    return later if pressing and later not in reserved else None


def _ladder_dm(team: _Team, key: str, user: str, worded: list, expires: datetime) -> Planned:
    by_release: dict[int, tuple[Release, list[LadderLine]]] = {}
    for line, text in worded:
        assign = line.deliverable.id if line.step.step == Step.UNCLAIMED else None
        by_release.setdefault(line.release.id, (line.release, []))[1].append(LadderLine(text, assign))
    groups = sorted(by_release.values(), key=lambda group: (group[0].release_date, group[0].id))
    message = builders.ladder_dm(groups, lang=team.lang_of(user))
    carries = [
        Planned(
            team.workspace.team_id,
            line.key,
            f"ladder-{line.step.step}",
            user,
            builders.text_message(text),
            expires,
            line.release.id,
            line.deliverable.id,
            state=OutboxState.CARRIED,
        )
        for line, text in worded
    ]
    return Planned(team.workspace.team_id, key, "ladder-dm", user, message, expires, carries=carries)


def _retros(
    session: Session, team: _Team, releases: list[Release], troubles: _Troubles, *, now: datetime
) -> list[Wanted]:
    """A release still active RETRO_AFTER_WORKDAYS working days after its release day gets its retro, in
    office hours: in its channel and to its PM, under the keys an ``archive`` would have claimed."""
    wanted = []
    for release in releases:
        with troubles.isolated(Subject("standup", (release,))):
            today = local_today(now, release.timezone)
            if today <= release.release_date or today < retro_day(release.release_date, team.calendar):
                continue
            if not office_hours(now, release.timezone, team.calendar):
                continue
            key = recall.retro_key(release)
            for k in (key, f"{key}:pm"):
                compose = partial(_retro_message, session, team, release, k, today, now)
                wanted.append(Wanted(k, compose, Subject("standup", (release,))))
    return wanted


def _retro_message(session: Session, team: _Team, release: Release, key: str, today: date, now: datetime):
    post = next(p for p in recall.retro_posts(session, release, calendar=team.calendar, today=today) if p.key == key)
    return Planned(release.team_id, key, "retro", post.channel, post.message, now + timedelta(days=1), release.id)


def _digests(team: _Team, bundles: list[queries.ReleaseBundle], troubles: _Troubles, *, now: datetime) -> list[Wanted]:
    """Each owner's morning DM: their deliverables due within a week (or within the heads-up) or late, across
    releases, but none they are blocked on; their heads-up and due-today go in it, not in DMs of their own."""
    per_owner: dict[str, list] = defaultdict(list)
    for bundle in bundles:
        for d in bundle.live:
            if d.state == DeliverableState.OPEN and d.owner_id and d.id not in bundle.open_blockers:  # not chased
                per_owner[d.owner_id].append((d, bundle.release))
    wanted = []
    for owner, items in per_owner.items():
        about = Subject("digest", tuple({r.id: r for _, r in items}.values()), user_id=owner)
        with troubles.isolated(about):
            for reader, share in _readers(team, owner, items).items():
                wanted.extend(_digest_wanted(team, owner, share, about, now=now, reader=reader))
    return wanted


def _readers(team: _Team, owner: str, items: list) -> dict[str, list]:
    """Who reads the owner's morning DM: they themselves, or while they are away whoever covers (each release's
    PM without a cover, so the items may part ways)."""
    readers: dict[str, list] = defaultdict(list)
    for d, r in items:
        readers[team.reader(owner, r)[0]].append((d, r))
    return readers


def _digest_wanted(team: _Team, owner: str, items: list, about: Subject, *, now: datetime, reader: str) -> list[Wanted]:
    """``reader``: the owner, or who covers for them while they are away (in the reader's morning)."""
    tz = team.tz_of(reader, team.workspace.timezone)
    if not office_hours(now, tz, team.calendar):
        return []
    today = local_today(now, tz)
    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    heads_up = LadderRules().heads_up_workdays
    due = sorted(
        (
            (d, r)
            for d, r in items
            if (d.due_date <= horizon or team.calendar.workdays_before(d.due_date, heads_up) <= today)
            and not (d.snoozed_until and today < d.snoozed_until)  # snoozed: no heads-up nor due-today either
        ),
        key=lambda pair: (pair[0].due_date, pair[1].release_date),
    )
    if not due or not _morning_or_pressing(team, due, now=now, tz=tz, today=today):
        return []
    key = f"digest:{owner}:{today.isoformat()}" + (f":for:{reader}" if reader != owner else "")
    return [Wanted(key, partial(_digest, team, key, owner, reader, due, today, _end_of_day(today, tz)), about)]


def _standing(calendar: Calendar, d: Deliverable, r: Release, *, today: date) -> DigestItem:
    """Where an item stands on its owner's ``today``, in working days: late by, due today, or due in."""
    if d.due_date < today:
        return DigestItem(d, r, Standing.LATE, calendar.workdays_between(d.due_date, today))
    if d.due_date == today:
        return DigestItem(d, r, Standing.TODAY, 0)
    soon = calendar.workdays_before(d.due_date, LadderRules().heads_up_workdays) <= today
    standing = Standing.COMING_UP if soon else Standing.LATER
    return DigestItem(d, r, standing, calendar.workdays_between(today, d.due_date))


def _morning_or_pressing(team: _Team, due: list, *, now: datetime, tz: str, today: date) -> bool:
    if local(now, tz).time() < MORNING_DM_UNTIL:
        return True
    next_workday = team.calendar.first_workday_after(today)
    return any(d.due_date <= next_workday for d, _ in due)


def _digest(team: _Team, key: str, owner: str, reader: str, due: list, today: date, expires: datetime) -> Planned:
    items = [_standing(team.calendar, d, r, today=today) for d, r in due]
    covering = _away(team, owner) if reader != owner else None
    message = builders.digest(items, lang=team.lang_of(reader), covering=covering)
    return Planned(team.workspace.team_id, key, "digest", reader, message, expires)


# -- the label heads' escalation digest ------------------------------------------------------------
@dataclass(frozen=True)
class _Late:
    """A deliverable whose escalation holds today, in its release."""

    release: Release
    deliverable: Deliverable
    blocker: Blocker | None
    late_by: int
    today: date


def _escalation_digests(
    session: Session, team: _Team, bundles: list[queries.ReleaseBundle], troubles: _Troubles, *, now: datetime
) -> list[Wanted]:
    """One digest a working day for each label head (or to the escalation channel; with neither, each release's
    PM), from the workspace's ``escalation_time`` in their timezone: every deliverable whose escalation holds
    (the ladder's rule, :func:`due_steps`), by release. Once the day's digests are reserved, a tick looks at no
    deliverable for them; what was already tried is read once, and only if a digest is worded."""
    with troubles.isolated(Subject("escalations", tuple(b.release for b in bundles), user_id="all")):
        return _escalations_wanted(session, team, bundles, troubles, now=now)
    return []  # the trouble is reported to the releases' PMs


def _escalations_wanted(
    session: Session, team: _Team, bundles: list[queries.ReleaseBundle], troubles: _Troubles, *, now: datetime
) -> list[Wanted]:
    due = _digests_due(session, team, bundles, now=now)
    per_recipient: dict[str, list[_Late]] = defaultdict(list)
    for bundle in bundles:
        release = bundle.release
        recipients = [r for r in _escalation_recipients(team, release) if r in due]
        today = local_today(now, release.timezone)
        for d in bundle.live if recipients else ():
            if d.state != DeliverableState.OPEN or d.due_date >= today:
                continue
            with troubles.isolated(Subject("ladder", (release,), d)):
                late = _escalated(team, release, d, bundle.open_blockers.get(d.id), today=today)
                for recipient in recipients if late else ():
                    per_recipient[recipient].append(late)
    late_ids = list(dict.fromkeys(x.deliverable.id for items in per_recipient.values() for x in items))
    ws = team.workspace
    load = partial(history, session=session, team_id=ws.team_id, deliverable_ids=late_ids, now=now)
    known = cache(partial(load, recipients=list(per_recipient)))
    wanted = []
    for recipient, items in per_recipient.items():
        key, day, tz = due[recipient]
        about = Subject("escalations", tuple({x.release.id: x.release for x in items}.values()), user_id=recipient)
        compose = partial(_escalation_digest, team, key, recipient, items, known, day, _end_of_day(day, tz))
        wanted.append(Wanted(key, compose, about))
    return wanted


def _digests_due(
    session: Session, team: _Team, bundles: list[queries.ReleaseBundle], *, now: datetime
) -> dict[str, tuple[str, date, str]]:
    """Recipient → (key, their day, their timezone) of each digest due at ``now`` and not yet reserved."""
    ws = team.workspace
    at = time(*(int(x) for x in ws.escalation_time.split(":")))
    due = {}
    for recipient in dict.fromkeys(r for bundle in bundles for r in _escalation_recipients(team, bundle.release)):
        tz = ws.timezone if recipient == ws.escalation_channel else team.tz_of(recipient, ws.timezone)
        if office_hours(now, tz, team.calendar) and local(now, tz).time() >= at:
            day = local_today(now, tz)
            due[recipient] = (f"{DIGEST_KIND}:{recipient}:{day.isoformat()}", day, tz)
    if not due:
        return {}
    reserved = outbox.reserved_keys(session=session, team_id=ws.team_id, keys=[key for key, _, _ in due.values()])
    return {recipient: found for recipient, found in due.items() if found[0] not in reserved}


def _escalated(team: _Team, release: Release, d: Deliverable, blocker: Blocker | None, *, today: date) -> _Late | None:
    facts = _item_facts(release, d, blocker)
    steps = due_steps(facts, today=today, calendar=team.calendar, rules=_ladder_rules(team))
    if not any(step.step == Step.ESCALATE for step in steps):
        return None
    return _Late(release, d, blocker, team.calendar.workdays_between(d.due_date, today), today)


def _escalation_recipients(team: _Team, release: Release) -> list[str]:
    ws = team.workspace
    if ws.escalation_channel:
        return [ws.escalation_channel]
    return list(ws.label_heads) or ([release.pm_id] if release.pm_id else [])


def _escalation_digest(
    team: _Team, key: str, recipient: str, items: list[_Late], history: Callable[[], History], day: date, expires
) -> Planned:
    known = history()
    groups = []
    for release_id in dict.fromkeys(x.release.id for x in sorted(items, key=lambda x: x.release.release_date)):
        late = [x for x in items if x.release.id == release_id]
        release = late[0].release
        escalated = tuple(
            EscalatedItem(x.deliverable, x.late_by, x.blocker, known.tried(x.deliverable, release, x.blocker),
                          known.since(recipient, x.deliverable, day), _away(team, x.deliverable.owner_id))
            for x in sorted(late, key=lambda x: (-x.late_by, x.deliverable.position))
        )  # fmt: skip
        workdays_left = team.calendar.workdays_between(late[0].today, release.release_date)
        groups.append(EscalatedRelease(release, workdays_left, escalated))
    message = builders.escalation_digest(groups, lang=team.lang_of(recipient))
    return Planned(team.workspace.team_id, key, DIGEST_KIND, recipient, message, expires)


def _away(team: _Team, user_id: str | None) -> Covering | None:
    return team.away.covering(user_id) if team.away is not None else None


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
            key = f"weekly:{recipient}:{week_start(day).isoformat()}"
            planned = Planned(ws.team_id, key, kind, recipient, Message(text=key), _end_of_day(day, tz))
            wanted.append(Wanted(key, lambda planned=planned: planned, Subject("weekly", ())))
    return wanted


# -- the artist's weekly brief ----------------------------------------------------------------------
def _briefs(
    session: Session, team: _Team, bundles: list[queries.ReleaseBundle], troubles: _Troubles, *, now: datetime
) -> list[Wanted]:
    """Each release with a brief channel (:mod:`bot.release.brief`) gets its draft on the workspace's last
    working day of the week at standup time (its PM's), by DM to its PM with Send, Edit and Skip; the draft is
    saved with the claim, once per release and week. Nothing goes to the brief channel here."""
    standup_at = time(*(int(x) for x in team.workspace.standup_time.split(":")))
    due = []
    for bundle in bundles:
        pm = bundle.release.pm_id or bundle.release.created_by
        tz = team.tz_of(pm, bundle.release.timezone)
        day = brief.brief_day(now=now, timezone=tz, standup_at=standup_at, calendar=team.calendar)
        if day is not None:
            due.append((bundle, pm, day, tz))
    if not due:
        return []
    scopes = [scope for bundle, *_ in due for scope in brief.scopes(bundle.release)]
    channels = briefs.channels_of(session=session, team_id=team.workspace.team_id, scopes=scopes)
    wanted = []
    for bundle, pm, day, tz in due:
        about = Subject("brief", (bundle.release,))
        with troubles.isolated(about):
            channel = brief.channel_of(bundle.release, channels)
            if channel is not None:
                key = f"brief:{bundle.release.id}:{week_start(day).isoformat()}"
                wanted.append(Wanted(key, partial(_brief_offer, session, team, bundle, key, pm, channel, day,
                                                  _end_of_day(day, tz), now), about))  # fmt: skip
    return wanted


def _brief_offer(
    session: Session, team: _Team, bundle: queries.ReleaseBundle, key: str, pm: str, channel: str, day: date,
    expires: datetime, now: datetime,
) -> Planned:  # fmt: skip
    """The week's draft, worded from the allow-listed facts in the workspace's language, and the PM's DM."""
    release = bundle.release
    text = brief_words.draft(brief.facts(bundle, today=day), lang=team.workspace.language)
    row = briefs.draft(session=session, team_id=release.team_id, release_id=release.id, week=week_start(day),
                       channel_id=channel, text=text, now=now)  # fmt: skip
    message = brief_words.offer(row.id, release, row.channel_id, row.text, lang=team.lang_of(pm))
    return Planned(release.team_id, key, brief.OUTBOX_KIND, pm, message, expires, release.id)


# -- pending approvals ------------------------------------------------------------------------------
def _pending_approvals(session: Session, team_id: str, releases: list[Release]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for approval, sign_off in approval_store.pending_in(session=session, team_id=team_id,
                                                        release_ids=[r.id for r in releases]):  # fmt: skip
        found[approval.release_id].append((approval, sign_off))
    return found


def _approval_nudges(team: _Team, releases: list[Release], *, now: datetime) -> list[Wanted]:
    """Pending approvals of a file: the approver nudged after two working days, then the PM, in office hours."""
    wanted = []
    for release in releases:
        today = local_today(now, release.timezone)
        for approval, sign_off in team.approvals.get(release.id, []):
            if approval.file_id is None:  # nothing shared to look at yet: the upstream's own ladder runs
                continue
            asked_on = local_today(utc(approval.asked_at), release.timezone)
            for nudge in approvals.nudges_due(approval, sign_off, today=today, asked_on=asked_on,
                                              calendar=team.calendar):  # fmt: skip
                to = (release.pm_id or release.created_by) if nudge.to_pm else approval.user_id
                if office_hours(now, team.tz_of(to, release.timezone), team.calendar):
                    compose = partial(_approval_nudge, team, release, nudge, to, now)
                    wanted.append(Wanted(nudge.key, compose, Subject("ladder", (release,), sign_off)))
    return wanted


def _approval_nudge(team: _Team, release: Release, nudge: approvals.Nudge, to: str, now: datetime) -> Planned:
    rows = [(a, d) for a, d in team.approvals[release.id] if d.id == nudge.sign_off.id]
    [waiting] = approvals.waiting(release, rows)
    message = approval_words.nudge(nudge.sign_off, release, waiting, nudge.waited, to_pm=nudge.to_pm,
                                   lang=team.lang_of(to))  # fmt: skip
    return Planned(release.team_id, nudge.key, "approval", to, message, now + timedelta(days=1), release.id,
                   nudge.sign_off.id)  # fmt: skip
