"""What a request decided: the answer to give now, and the Slack work to do after the ack.

Actions return an :class:`Outcome`; once it is committed, its ``reply`` goes to the person (on the
command's response_url, or where they clicked) and its ``effects`` to :mod:`bot.slack.effects`, the
only place they turn into Web API calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.release.calendar import local_today
from messages import builders
from messages.render import Message


@dataclass(frozen=True)
class Request:
    """Who asks, where, and when: time is a parameter, never read inside the logic."""

    team_id: str
    user_id: str
    channel_id: str
    now: datetime
    response_url: str | None = None

    def today(self, timezone: str) -> date:
        return local_today(self.now, timezone)


@dataclass(frozen=True)
class SetUpChannel:
    release_id: int


@dataclass(frozen=True)
class SyncChecklist:
    """Re-render the checklist messages that lag the database (and the overview when asked)."""

    release_id: int
    overview: bool = False


@dataclass(frozen=True)
class Post:
    """A message to a channel, or to a person's DM when ``channel`` is a user id."""

    team_id: str
    channel: str
    message: Message


@dataclass(frozen=True)
class DirectMessage:
    """A DM from ``replies.j2``'s ``macro``, worded when it is sent: in the recipient's language, which
    may take a ``users.info`` lookup that has no place before the ack."""

    team_id: str
    user_id: str
    macro: str
    args: tuple


@dataclass(frozen=True)
class RetitleChannel:
    """After a date move: rename the channel to the new date and refresh its topic."""

    release_id: int


@dataclass(frozen=True)
class ArchiveChannel:
    release_id: int


@dataclass(frozen=True)
class RefreshHome:
    """Republish people's App Home after their deliverables changed (``notice`` on top: a button's answer)."""

    team_id: str
    user_ids: tuple[str, ...]
    notice: str | None = None


@dataclass(frozen=True)
class SendPicture:
    """Draw the weekly picture (the label's, or the releases ``user_id`` is PM of) and upload it to their DM."""

    team_id: str
    user_id: str
    label_wide: bool


Effect = (
    SetUpChannel | SyncChecklist | Post | DirectMessage | RetitleChannel | ArchiveChannel | RefreshHome | SendPicture
)


@dataclass(frozen=True)
class Reply:
    """An answer as data: the builder that words it and the facts it words. The language is chosen where the
    answer is sent: the workspace's in a channel, the person's own where only they read it."""

    build: Callable[..., Message]
    args: tuple = ()
    facts: Mapping = field(default_factory=dict)

    @classmethod
    def of(cls, macro: str, *args, kind: str = "replies") -> Reply:
        """The common answer: one macro of a template file (``replies.j2`` unless ``kind`` says otherwise)."""
        return cls(builders.reply, (kind, macro, *args))

    def worded(self, lang: str) -> Message:
        return self.build(*self.args, **self.facts, lang=lang)


@dataclass
class Outcome:
    reply: Reply
    public: bool = False
    effects: list[Effect] = field(default_factory=list)


def utc(moment: datetime) -> datetime:
    """The moment in UTC, whether it came naive (taken as UTC) or aware in any timezone."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
