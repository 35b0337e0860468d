"""Each release teaching the next: ``/release retro``, ``/release stats``, ``/release playbook show``, the retro
posted when a release is archived (or by the tick, RETRO_AFTER_WORKDAYS after release day), and applying a
playbook suggestion. Loads what :mod:`bot.release.memory.retro` and :mod:`bot.release.memory.lessons` judge, in a fixed
number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.release import budget
from bot.release import parser as c
from bot.release.calendar import Calendar, local_today
from bot.release.language import language_of
from bot.release.memory import label_playbooks, lessons
from bot.release.memory.retro import JUDGED_ACTIONS, Retro, judge, retro
from bot.release.outcome import Outcome, Post, Reply, Request, utc
from bot.release.permissions import PersonLookup
from bot.release.playbooks import Playbook
from bot.release.refusals import UserError
from messages import memory as words_of
from messages.ids import SuggestionValue
from messages.render import Message
from storage import history, outbox, queries
from storage.models import OutboxState, Release, ReleaseState

# The finished releases ``stats`` reads unless told otherwise, and the most it reads.
DEFAULT_LAST = 20
# Suggestions in a retro come from this many of the label's latest finished releases.
SUGGEST_FROM = 50
LOGGED = (*JUDGED_ACTIONS, "archived")


def retro_of(session: Session, release: Release, *, calendar: Calendar, today: date) -> Retro:
    """The release's retro as of ``today`` (its archive day, once archived)."""
    ids = [release.id]
    items = history.live_deliverables(session=session, team_id=release.team_id, release_ids=ids)
    entries = history.log_entries(session=session, team_id=release.team_id, release_ids=ids, actions=LOGGED)
    blockers = history.blockers_of(session=session, team_id=release.team_id, release_ids=ids)
    return retro(release, items, entries, blockers, calendar=calendar, today=_as_of(release, entries, today))


def _as_of(release: Release, entries, today: date) -> date:
    """An archived release is judged as it was archived: its open items stop growing later then."""
    archived = [e for e in entries if e.action == "archived" and e.release_id == release.id]
    if release.state == ReleaseState.ARCHIVED and archived:
        return min(today, local_today(utc(archived[-1].at), release.timezone))
    return today


def finished(session: Session, team_id: str, *, calendar: Calendar, today: date, last: int) -> list[lessons.Finished]:
    """The label's ``last`` latest finished releases, judged: three queries."""
    releases = history.finished_releases(session=session, team_id=team_id, today=today, limit=last)
    ids = [r.id for r in releases]
    items = defaultdict(list)
    for d in history.live_deliverables(session=session, team_id=team_id, release_ids=ids):
        items[d.release_id].append(d)
    entries = defaultdict(list)
    for e in history.log_entries(session=session, team_id=team_id, release_ids=ids, actions=LOGGED):
        entries[e.release_id].append(e)
    return [
        lessons.Finished(
            r,
            judge(
                items[r.id],
                entries[r.id],
                calendar=calendar,
                today=_as_of(r, entries[r.id], today),
                timezone=r.timezone,
            ),
        )  # fmt: skip
        for r in releases
    ]


def suggestions(
    session: Session, team_id: str, done: list[lessons.Finished], *, playbook: str | None = None
) -> list[lessons.Suggestion]:
    rows = history.playbook_versions(session=session, team_id=team_id)
    return lessons.suggestions(
        done,
        versions=label_playbooks.current_versions(rows),
        changed=label_playbooks.last_changed(rows),
        playbook=playbook,
    )


# -- subcommands ---------------------------------------------------------------------------------------
COMMANDS = (c.Retro, c.Stats, c.PlaybookShow)


def command(cmd, *, session: Session, request: Request, place, catalogue, calendar: Calendar) -> Outcome:
    """``place``: where it was typed (:class:`bot.release.dispatch.Place`); ``catalogue``: the shipped playbooks."""
    if isinstance(cmd, c.Retro):
        return retro_command(session=session, request=request, release=place.release, calendar=calendar)
    if isinstance(cmd, c.Stats):
        return stats_command(cmd, session=session, request=request, timezone=place.timezone, calendar=calendar)
    return playbook_command(cmd, session=session, request=request, defaults=catalogue.playbooks)


def retro_command(*, session: Session, request: Request, release: Release | None, calendar: Calendar) -> Outcome:
    """``/release retro``: the channel's release, active or archived, to the asker alone."""
    if release is None:
        raise UserError("retro_where", usage=c.USAGE["retro"])
    facts = retro_of(session, release, calendar=calendar, today=request.today(release.timezone))
    return Outcome(reply=Reply(words_of.retro, (facts,)))


def stats_command(cmd: c.Stats, *, session: Session, request: Request, timezone: str, calendar: Calendar) -> Outcome:
    last = cmd.last or DEFAULT_LAST
    done = finished(session, request.team_id, calendar=calendar, today=request.today(timezone), last=last)
    facts = lessons.stats(done, suggestions(session, request.team_id, done))
    return Outcome(reply=Reply(words_of.stats, (facts,), {"last": last}))


def playbook_command(
    cmd: c.PlaybookShow, *, session: Session, request: Request, defaults: dict[str, Playbook]
) -> Outcome:
    default = defaults.get(cmd.name)
    if default is None:
        raise UserError("unknown_playbook", usage=c.USAGE["playbook"], name=cmd.name, known=sorted(defaults))
    rows = history.playbook_versions(session=session, team_id=request.team_id, name=cmd.name)
    mine = label_playbooks.as_playbook(rows[-1]) if rows else default
    changes = label_playbooks.differences(default, mine)
    return Outcome(reply=Reply(words_of.playbook, (cmd.name, rows, changes)))


# -- the retro, posted once ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RetroPost:
    """The retro worded for where it goes: the channel, or the PM's DM (with the suggestions to apply)."""

    key: str
    channel: str
    message: Message


def retro_key(release: Release) -> str:
    return f"retro:{release.id}"


def retro_posts(session: Session, release: Release, *, calendar: Calendar, today: date) -> list[RetroPost]:
    """The channel's retro and the PM's, keyed once per release (the PM's key follows from the channel's)."""
    facts = retro_of(session, release, calendar=calendar, today=today)
    done = finished(session, release.team_id, calendar=calendar, today=today, last=SUGGEST_FROM)
    offered = suggestions(session, release.team_id, done, playbook=release.playbook)
    pm = release.pm_id or release.created_by
    channel_lang = language_of(session, release.team_id)
    key = retro_key(release)
    pm_lang = language_of(session, release.team_id, pm)
    money = budget.picture_of(session, release)  # the PM's DM only: never the channel's retro
    posts = [RetroPost(f"{key}:pm", pm, words_of.retro(facts, suggestions=offered, budget=money, lang=pm_lang))]
    if release.channel_id:
        posts.insert(0, RetroPost(key, release.channel_id, words_of.retro(facts, lang=channel_lang)))
    return posts


def retro_on_archive(session: Session, release: Release, *, calendar: Calendar, now: datetime) -> list[Post]:
    """At ``archive``: the retro's posts, unless the tick already posted it. They are recorded as sent under
    their keys, so the tick never posts them again, and posted by the archive's effects (before the channel
    is archived)."""
    if outbox.reserved_keys(session=session, team_id=release.team_id, keys=[retro_key(release)]):
        return []
    posts = retro_posts(session, release, calendar=calendar, today=local_today(now, release.timezone))
    rows = [
        outbox.row(
            team_id=release.team_id,
            key=p.key,
            kind="retro",
            channel=p.channel,
            text=p.message.text,
            blocks=p.message.blocks,
            now=now,
            expires_at=now + timedelta(days=1),
            release_id=release.id,
            state=OutboxState.SENT,
        )  # fmt: skip
        for p in posts
    ]
    outbox.reserve(session=session, rows=rows, now=now)
    return [Post(release.team_id, p.channel, p.message) for p in posts]


# -- applying a suggestion ------------------------------------------------------------------------------
def apply_suggestion(
    value: SuggestionValue,
    *,
    session: Session,
    request: Request,
    defaults: dict[str, Playbook],
    calendar: Calendar,
    lookup: PersonLookup,
    admins: frozenset[str],
) -> Outcome:
    """Write the label's next version of the playbook with the deliverable earlier. Only on the version the
    suggestion was made for: a second click (or one on an old message) changes nothing."""
    _require_pm_or_admin(session, request, lookup=lookup, admins=admins)
    default = defaults.get(value.playbook)
    if default is None:
        raise UserError("suggestion_gone")
    latest = history.latest_playbook(session=session, team_id=request.team_id, name=value.playbook)
    version = latest.version if latest is not None else 0
    if version != value.version:
        raise UserError("suggestion_applied", playbook=value.playbook, version=version)
    base = label_playbooks.as_playbook(latest) if latest is not None else default
    moved = label_playbooks.shifted(base, value.key, value.earlier, calendar)
    if moved is None:
        raise UserError("suggestion_gone")
    before = next(t for t in base.deliverables if t.key == value.key)
    after = next(t for t in moved.deliverables if t.key == value.key)
    change = label_playbooks.OffsetChange(value.key, before.name, before.offset_days, after.offset_days)
    why = f"{value.earlier} working days earlier"
    label_playbooks.save_version(session, request.team_id, moved, version=version + 1, change=change, why=why,
                                 by=request.user_id, at=request.now)  # fmt: skip
    queries.log_activity(session=session, team_id=request.team_id, actor_id=request.user_id,
                         action="playbook_changed", at=request.now, playbook=value.playbook, key=value.key,
                         before=change.before, after=change.after, version=version + 1)  # fmt: skip
    return Outcome(reply=Reply.of("applied", value.playbook, version + 1, change, value.earlier, kind="memory"))


def _require_pm_or_admin(session: Session, request: Request, *, lookup: PersonLookup, admins: frozenset[str]):
    if request.user_id in admins or history.manages_a_release(
        session=session, team_id=request.team_id, user_id=request.user_id
    ):
        return
    person = lookup()
    if person is not None and (person.is_admin or person.is_owner):
        return
    raise UserError("suggestion_managers", admins=sorted(admins))
