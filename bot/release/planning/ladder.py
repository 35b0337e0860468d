"""Each deliverable's reminder ladder in working days, and the one ladder DM a person gets a working day with
everything else it tells them (covered by whoever stands in while they are away).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial

from bot.release.calendar import (
    DueStep,
    ItemFacts,
    LadderRules,
    Step,
    due_steps,
    local,
    local_today,
    office_hours,
)
from bot.release.critical_path import forecast
from bot.release.outcome import utc
from bot.release.planning.mornings import MORNING_DM_UNTIL
from bot.release.planning.team import Planned, Subject, Team, Troubles, Wanted, end_of_day, is_person
from messages import builders
from messages.facts import Covering, LadderLine
from messages.render import words
from storage import queries
from storage.models import Blocker, Deliverable, DeliverableState, OutboxState, Release

# No ladder step comes earlier before a due date than the unclaimed ask, 5 working days before it: a week,
# or two over Christmas and New Year; a month covers any calendar with a working day most weeks.
LADDER_HORIZON_DAYS = 31

BLOCKED_STEPS = (Step.BLOCKED_TWO, Step.BLOCKED_FIVE)


@dataclass(frozen=True)
class Line:
    """A ladder step's words for a person: a line of their ladder DM of the day (:func:`ladder_dms`), told
    once under ``key`` as its own message was before."""

    key: str
    user: str
    release: Release
    deliverable: Deliverable
    step: DueStep
    wording: Callable[[], object]


def ladder_lines(
    team: Team, bundle: queries.ReleaseBundle, troubles: Troubles, *, now: datetime
) -> tuple[list[Wanted], list[Line]]:
    """The release's ladder steps due now: channel posts and escalations as messages of their own, and what
    they tell a person as lines of that person's ladder DM."""
    release = bundle.release
    steps: list[Wanted | Line] = []
    with troubles.isolated(Subject("standup", (release,))):  # the release's own day: its standup fails alike
        today = local_today(now, release.timezone)
        horizon = today + timedelta(days=LADDER_HORIZON_DAYS)
        for d in bundle.live:
            # A blocker's notices to the PM come however far off the due date is.
            if d.state == DeliverableState.OPEN and (d.due_date <= horizon or d.id in bundle.open_blockers):
                try:  # all of the deliverable's steps, or none
                    blocker = bundle.open_blockers.get(d.id)
                    steps.extend(list(ladder_steps(team, release, d, blocker, today=today, now=now)))
                except Exception as error:  # noqa: BLE001 - one deliverable never stops the others
                    troubles.note(Subject("ladder", (release,), d), error)
        steps.extend(hard_deadlines_at_risk(team, bundle, today=today))
    return [s for s in steps if isinstance(s, Wanted)], [s for s in steps if isinstance(s, Line)]


def hard_deadlines_at_risk(team: Team, bundle: queries.ReleaseBundle, *, today: date) -> Iterator[Line]:
    """A line in the PM's ladder DM when late work first makes a hard deadline impossible (the critical path,
    :mod:`bot.release.critical_path`): once per hard deliverable and due date. Only a release with late work
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
        yield Line(key, pm, release, hard, DueStep(Step.AT_RISK, today), wording)


def item_facts(release: Release, d: Deliverable, blocker: Blocker | None) -> ItemFacts:
    created = local_today(utc(release.created_at), release.timezone) if release.created_at else None
    planned = release.planned_on or created  # the day its dates were last planned: created, or moved
    late_at_creation = planned is not None and d.due_date < planned
    blocked_since = local_today(utc(blocker.raised_at), release.timezone) if blocker is not None else None
    return ItemFacts(
        d.due_date, d.owner_id, d.hard, release.release_date, d.snoozed_until, late_at_creation, blocked_since
    )


def ladder_rules(team: Team) -> LadderRules:
    return LadderRules(escalate_after=team.workspace.escalate_after)


def ladder_steps(
    team: Team, release: Release, d: Deliverable, blocker: Blocker | None, *, today: date, now: datetime
) -> Iterator[Wanted]:
    """Each step's message to each recipient; escalations go in the daily digest instead (see
    :func:`escalation_digests`)."""
    about = Subject("ladder", (release,), d)
    owner_tz = team.tz_of(d.owner_id, release.timezone)
    facts = item_facts(release, d, blocker)
    owner_today = local_today(now, owner_tz)
    steps = due_steps(facts, today=today, owner_today=owner_today, calendar=team.calendar, rules=ladder_rules(team))
    for step in steps:
        for channel, wording, tz in recipients(team, release, d, step, blocker, today=today):
            # A blocker's notices belong to that blocker; the other steps to the due date.
            anchor = f"blocker-{blocker.id}" if step.step in BLOCKED_STEPS else d.due_date.isoformat()
            key = f"ladder:{d.id}:{step.step}:{anchor}:{channel}"
            if is_person(channel):  # told in the person's ladder DM of the day
                yield Line(key, channel, release, d, step, wording)
                continue
            if not office_hours(now, tz, team.calendar):
                continue
            expires = end_of_day(local_today(now, tz), tz)
            lang = team.lang_of(channel)  # a channel id names nobody: the workspace's language
            yield Wanted(key, partial(ladder_message, release, d, key, step, channel, wording, expires, lang), about)


def ladder_message(
    release: Release, d, key: str, step: DueStep, channel: str, wording, expires: datetime, lang: str
) -> Planned:
    text = str(wording())
    message = (
        builders.unclaimed_ask(text, d.id, lang=lang) if step.step == Step.UNCLAIMED else builders.text_message(text)
    )
    return Planned(release.team_id, key, f"ladder-{step.step}", channel, message, expires, release.id, d.id)


def recipients(team: Team, release: Release, d, step: DueStep, blocker: Blocker | None, *, today: date):
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
        return  # they travel in the owner's morning DM (:func:`digest_wanted`)
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


def covered(team: Team, lines: list[Line]) -> list[Line]:
    """The lines for someone away, to whoever covers (each saying for whom); their keys stay theirs, so a line
    told to the cover is not told again when they are back."""
    covered = []
    for line in lines:
        reader, away = team.reader(line.user, line.release)
        if away is not None:
            wording = partial(covering_line, team.lang_of(reader), away, line.wording)
            line = replace(line, user=reader, wording=wording)
        covered.append(line)
    return covered


def covering_line(lang: str, away: Covering, wording: Callable[[], object]) -> str:
    return str(words("away", lang).covering_line(away, str(wording())))


def ladder_dm_keys(team: Team, lines: list[Line], *, now: datetime) -> list[str]:
    """The keys of the ladder DMs each person with a line may be owed today (see :func:`ladder_dms`)."""
    keys = []
    for user in {line.user for line in lines}:
        day = local_today(now, team.tz_of(user, team.workspace.timezone)).isoformat()
        keys += [f"ladder-dm:{user}:{day}", f"ladder-dm:{user}:{day}:later"]
    return keys


def ladder_dms(team: Team, lines: list[Line], reserved: set[str], troubles: Troubles, *, now: datetime) -> list[Wanted]:
    """One DM a working day per person for what the ladder tells them rather than a channel (the PM's unowned
    and overdue items, any later kind), every line grouped by release and told once: each line's key is
    reserved with the DM, as ``carried``.

    The day's DM goes at the first tick in their office hours, in the morning, that has a line for them. A line
    turning up later that day waits for the next working day's while its step is due then (an unowned item's
    ask is, until its due date), unless the item is due by the next working day: then one more DM that day
    carries all that waits. Past that one a pressing line waits too, and an overdue notice, whose step belongs
    to its one day, is then told only by the release channel's post.
    """
    per_person: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.key not in reserved:
            per_person[line.user].append(line)
    wanted = []
    for user, waiting in per_person.items():
        tz = team.tz_of(user, team.workspace.timezone)
        if not office_hours(now, tz, team.calendar):
            continue
        today = local_today(now, tz)
        key = ladder_dm_key(team, user, waiting, reserved, now=local(now, tz), today=today)
        if key is None:
            continue
        worded = []
        for line in waiting:
            with troubles.isolated(Subject("ladder", (line.release,), line.deliverable)):
                worded.append((line, str(line.wording())))
        if worded:
            releases = tuple({line.release.id: line.release for line, _ in worded}.values())
            about = Subject("ladder-dm", releases, user_id=user)
            expires = end_of_day(today, tz)
            wanted.append(Wanted(key, partial(ladder_dm, team, key, user, worded, expires), about))
    return wanted


def ladder_dm_key(
    team: Team, user: str, waiting: list[Line], reserved: set[str], *, now: datetime, today: date
) -> str | None:
    """Which of the person's two ladder DMs of ``today`` (their local ``now``) the waiting lines go in, if any."""
    first = f"ladder-dm:{user}:{today.isoformat()}"
    pressing = any(line.deliverable.due_date <= team.calendar.first_workday_after(today) for line in waiting)
    if first not in reserved:
        return first if pressing or now.time() < MORNING_DM_UNTIL else None
    later = f"{first}:later"
    return later if pressing and later not in reserved else None


def ladder_dm(team: Team, key: str, user: str, worded: list, expires: datetime) -> Planned:
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
