"""What handlers share: the database, the services actions need, the background runner, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy.engine import Engine

from bot.release.dispatch import Services
from bot.release.language import language_of
from bot.release.refusals import UserError
from bot.runtime.background import Background
from bot.runtime.intake import Inbox
from bot.runtime.tick import Ticker
from bot.slack.effects import FollowUp
from bot.slack.people import Directory
from bot.slack.rosters import Rosters
from bot.slack.sender import Sender
from messages import builders
from messages.render import Message
from storage.db import session_scope


@dataclass
class Runtime:
    engine: Engine
    sender: Sender
    directory: Directory
    rosters: Rosters
    services: Services
    followup: FollowUp
    background: Background
    inbox: Inbox
    ticker: Ticker
    clock: Callable[[], datetime]
    # Multi-workspace mode only: where OAuth installs are kept (None with a single bot token).
    installation_store: SQLAlchemyInstallationStore | None = None

    def after_ack(self, call: Callable, *args, **kwargs) -> None:
        """Run a Slack call (an answer on a response_url, a views.open, an ephemeral) once the listener has
        returned: Bolt sends the ack only then, and it must never wait on Slack. views.open still runs well
        within its trigger id's three seconds."""
        self.background.submit(call, *args, **kwargs)

    def keep_event(self, kind: str, body: dict, context_team_id: str | None) -> None:
        """Keep an event in the inbox under its event id, so Slack's retries of it are turned away there."""
        team_id = body.get("team_id") or context_team_id or ""
        self.inbox.accept(kind, body | {"team_id": team_id}, key=f"{team_id}:{event_id(body)}")

    def language(self, team_id: str) -> str:
        """The workspace's language, for answers to commands, clicks and forms (DMs and the Home tab
        follow each person's own Slack locale instead)."""
        with session_scope(self.engine) as session:
            return language_of(session, team_id)

    def our_fault(self, team_id: str, reference: str) -> Message:
        """Sorry, with the reference the log has, in the workspace's language unless the trouble is the
        database itself (then English)."""
        try:
            lang = self.language(team_id)
        except Exception:  # noqa: BLE001 - an error message must not fail in turn
            lang = "en"
        return builders.error(UserError("our_fault", reference=reference).text(lang), lang=lang)

    def refusal(self, refusal: UserError, team_id: str) -> Message:
        """A refusal in the workspace's language, with the command's syntax when it helps."""
        lang = self.language(team_id)
        return builders.error(refusal.text(lang), refusal.usage, lang=lang)


def event_id(body: dict) -> str:
    """Slack's id of an event; old envelopes have none, and the event's own timestamp then identifies it."""
    event = body.get("event", {})
    return body.get("event_id") or f"{event.get('type')}:{event.get('event_ts')}:{event.get('user')}"
