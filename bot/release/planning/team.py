"""What every part of the tick's planning shares: the messages it wants (:class:`Planned`), the workspace's people
and calendar as it plans (:class:`Team`), and the isolation that keeps one release's trouble from stopping the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.release import absence
from bot.release.calendar import Calendar
from messages import builders
from messages.facts import Covering, Roster
from messages.render import Message, language_for, words
from storage import outbox
from storage.models import Deliverable, OutboxState, Person, Release, Workspace

log = logging.getLogger(__name__)

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
class Team:
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


class Troubles:
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

    def reports(self, session: Session, team: Team, *, now: datetime) -> list[Planned]:
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
                reports.append(trouble_report(team, key, subject, error, release, now=now))
            except Exception:  # noqa: BLE001 - the PM's report must not stop the others' messages
                log.exception("could not word the report on the %s", subject.describe())
        return reports


def trouble_report(team: Team, key: str, subject: Subject, error: Exception, release: Release, *, now) -> Planned:
    pm = release.pm_id or release.created_by
    problem = f"{type(error).__name__}: {error}"[:PROBLEM_CHARS]
    text = team.reminders(pm).planning_failed(subject.what, release, subject.deliverable, subject.user_id, problem)
    message = builders.text_message(str(text))
    return Planned(team.workspace.team_id, key, "trouble", pm, message, now + timedelta(days=1), release.id)


def end_of_day(day: date, timezone: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone)).astimezone(UTC)


def is_person(channel: str) -> bool:
    return channel.startswith(("U", "W"))


def away(team: Team, user_id: str | None) -> Covering | None:
    return team.away.covering(user_id) if team.away is not None else None
