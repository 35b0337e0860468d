"""The artist's weekly brief: on the workspace's last working day of the week the tick drafts, per active
release with a brief channel (its own, or its artist's), a plain-language note for the artist's team and
offers it to the PM; only what the PM sends is posted.

The draft is built from an allow-list of facts (:class:`BriefFacts`): names and dates of deliverables, never
who owns them, how late anything is, blockers, escalations or money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.release import parser as c
from bot.release.calendar import Calendar, local, local_today, week_start
from bot.release.outcome import Outcome, Reply, Request, utc
from bot.release.permissions import PersonLookup
from bot.release.refusals import UserError
from bot.release.slack_text import CHANNEL, NONE_WORDS, unescape
from storage import brief as stored
from storage import queries
from storage.models import ArtistBrief, BriefState, DeliverableState, Release

COMMANDS = (c.Brief,)
# The playbooks' team whose deliverables the artist's side delivers (their sign-offs).
ARTIST_TEAM = "artist"
# How far ahead "next up" looks, and how many lines each part of the brief holds at most.
NEXT_UP_DAYS = 14
MOST_LINES = 6
HARD_DATES = 3
OUTBOX_KIND = "brief"
# A week's brief may be sent until the next week's is drafted (its Friday, 11 days after the brief's Monday):
# after that its "next up" is old news.
SENDABLE_DAYS = 11


@dataclass(frozen=True)
class BriefFacts:
    """Everything a brief may say, and nothing else: names and dates only."""

    title: str
    artist: str | None
    release_date: date
    done: list[str]
    next_up: list[tuple[str, date]]
    # What the artist's team delivers: its name and due date (None once that date passed: "as soon as you can").
    from_you: list[tuple[str, date | None]]
    hard_dates: list[tuple[str, date]]


def facts(bundle: queries.ReleaseBundle, *, today: date) -> BriefFacts:
    """The allow-listed facts of a release on ``today`` (the brief's day): what was done since Monday, what the
    label does next (nothing late), what the artist's team delivers, release day and the next hard deadlines."""
    release = bundle.release
    monday = week_start(today)
    live = sorted(bundle.live, key=lambda d: (d.due_date, d.position))
    done = [d.name for d in live if d.state == DeliverableState.DONE and d.done_at and
            monday <= local_today(utc(d.done_at), release.timezone) <= today]  # fmt: skip
    open_items = [d for d in live if d.state == DeliverableState.OPEN]
    ours = [d for d in open_items if d.team != ARTIST_TEAM]
    theirs = [d for d in open_items if d.team == ARTIST_TEAM]
    horizon = today + timedelta(days=NEXT_UP_DAYS)
    return BriefFacts(
        title=release.title,
        artist=release.artist,
        release_date=release.release_date,
        done=done[:MOST_LINES],
        next_up=[(d.name, d.due_date) for d in ours if today <= d.due_date <= horizon][:MOST_LINES],
        from_you=[(d.name, d.due_date if d.due_date >= today else None) for d in theirs][:MOST_LINES],
        hard_dates=[(d.name, d.due_date) for d in ours if d.hard and d.due_date >= today][:HARD_DATES],
    )


def brief_day(*, now: datetime, timezone: str, standup_at: time, calendar: Calendar) -> date | None:
    """The local day whose brief is due at ``now``: the week's last working day, from the standup time on."""
    here = local(now, timezone)
    monday = week_start(here.date())
    last = next((d for d in (monday + timedelta(days=6 - n) for n in range(7)) if calendar.is_workday(d)), None)
    return here.date() if here.date() == last and here.time() >= standup_at else None


def release_scope(release: Release) -> str:
    return f"release:{release.id}"


def artist_scope(artist: str) -> str:
    return f"artist:{' '.join(artist.split()).casefold()}"


def scopes(release: Release) -> list[str]:
    return [release_scope(release), *([artist_scope(release.artist)] if release.artist else [])]


def channel_of(release: Release, channels: dict[str, str]) -> str | None:
    """The release's brief channel: its own, else its artist's (``channels`` by scope)."""
    return next((channels[s] for s in scopes(release) if s in channels), None)


def may_decide(release: Release, user_id: str, *, lookup: PersonLookup, admins: frozenset[str]) -> bool:
    """The release's PM (its creator when it has none) and admins send, edit or skip its brief."""
    if user_id == (release.pm_id or release.created_by) or user_id in admins:
        return True
    person = lookup()
    return person is not None and (person.is_admin or person.is_owner)


def read_channel(value: str, usage: str) -> str | None:
    """A channel as Slack sends it (``<#C123|name>``), or None for ``none``."""
    if value.strip().lower() in NONE_WORDS:
        return None
    match = CHANNEL.fullmatch(value.strip())
    if not match:
        raise UserError("brief_channel_how", usage=usage)
    return match[1]


# -- /release brief and /release settings brief_channel ---------------------------------------------
def command(cmd: c.Brief, *, session: Session, request: Request, release: Release | None, lookup: PersonLookup,
            admins: frozenset[str]) -> Outcome:  # fmt: skip
    """Where this release's brief goes, or (``channel``) change that: its PM or an admin."""
    if release is None:
        raise UserError("brief_where", usage=c.USAGE["brief"])
    channels = stored.channels_of(session=session, team_id=release.team_id, scopes=scopes(release))
    if not cmd.change:
        own = channels.get(release_scope(release))
        return Outcome(reply=Reply.of("where", release.title, own, channel_of(release, channels), kind="brief"))
    if not may_decide(release, request.user_id, lookup=lookup, admins=admins):
        raise UserError("brief_managers_only", pm=release.pm_id or release.created_by)
    channel = read_channel(cmd.channel or "", c.USAGE["brief"])
    stored.set_channel(session=session, team_id=release.team_id, scope=release_scope(release), channel_id=channel,
                       by=request.user_id, at=request.now)  # fmt: skip
    after = channel or (channels.get(artist_scope(release.artist)) if release.artist else None)
    return Outcome(reply=Reply.of("release_set", release.title, channel, after, kind="brief"))


def set_artist_channel(value: str, *, session: Session, request: Request) -> Outcome:
    """``settings brief_channel "<artist>" #channel`` (or ``none``): every release of the artist without a
    channel of its own. The caller checked who may change settings."""
    usage = 'settings brief_channel "<artist>" #channel'
    name, _, channel_text = value.strip().rpartition(" ")
    artist = " ".join(unescape(name).strip().strip('"').split())
    if not artist:
        raise UserError("brief_channel_how", usage=usage)
    channel = read_channel(channel_text, usage)
    stored.set_channel(session=session, team_id=request.team_id, scope=artist_scope(artist), channel_id=channel,
                       by=request.user_id, at=request.now)  # fmt: skip
    return Outcome(reply=Reply.of("artist_set", artist, channel, kind="brief"))


def artist_channels(session: Session, team_id: str) -> list[tuple[str, str]]:
    """(artist, channel id) of each artist's brief channel, for the settings listing."""
    return [(row.scope.removeprefix("artist:"), row.channel_id)
            for row in stored.artist_channels(session=session, team_id=team_id)]  # fmt: skip


# -- the PM's buttons -------------------------------------------------------------------------------
def decidable(session: Session, request: Request, brief_id: int, *, lookup: PersonLookup,
              admins: frozenset[str]) -> tuple[ArtistBrief, Release]:  # fmt: skip
    """The brief, locked, with its release, for someone who may decide it; a brief already sent or skipped is
    refused, saying by whom and when."""
    brief = stored.locked(session=session, team_id=request.team_id, brief_id=brief_id)
    if brief is None:
        raise UserError("brief_gone")
    release = queries.get_release(session=session, team_id=request.team_id, release_id=brief.release_id)
    if not may_decide(release, request.user_id, lookup=lookup, admins=admins):
        raise UserError("brief_managers_only", pm=release.pm_id or release.created_by)
    if brief.state != BriefState.DRAFTED:
        at = local(utc(brief.decided_at), release.timezone)
        raise UserError("brief_decided", state=brief.state, by=brief.decided_by, at=at)
    if request.today(release.timezone) >= brief.week + timedelta(days=SENDABLE_DAYS):
        raise UserError("brief_stale", week=brief.week)
    return brief, release


def decide(brief: ArtistBrief, state: BriefState, request: Request) -> None:
    brief.state, brief.decided_by, brief.decided_at = state, request.user_id, request.now


def edit(brief: ArtistBrief, text: str, request: Request) -> None:
    brief.text, brief.edited_by = text, request.user_id
