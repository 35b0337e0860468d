"""Assembling the Bolt app: settings in, a ready app and the runtime its handlers share."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy.engine import Engine

from bot.release.creating import Catalogue
from bot.release.dispatch import Services
from bot.release.playbooks import load_playbooks
from bot.runtime.background import Background
from bot.runtime.config import Config
from bot.runtime.context import Runtime
from bot.runtime.intake import Inbox
from bot.runtime.tick import Ticker
from bot.slack import installs
from bot.slack.effects import FollowUp
from bot.slack.people import Directory
from bot.slack.rosters import Rosters
from bot.slack.sender import ConnectionErrorRetry, Sender, make_client
from handlers import register_all
from storage.db import inbox_engine

log = logging.getLogger(__name__)


def responder(sleep: Callable[[float], None]) -> Callable[[str, dict], None]:
    """Posts to a slash command's response_url (raising when Slack no longer accepts it), retrying a dropped
    connection once after a wait taken with ``sleep``."""

    def respond_via_url(url: str, payload: dict) -> None:
        retrying = [ConnectionErrorRetry(max_retry_count=1, sleep=sleep)]
        response = WebhookClient(url, timeout=10, retry_handlers=retrying).send_dict(payload)
        if response.status_code != 200:
            raise RuntimeError(f"response_url answered {response.status_code}")

    return respond_via_url


def build_app(
    settings: Config,
    engine: Engine,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    post_interval: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    hand_off: Callable[[], None] | None = None,
) -> tuple[App, Runtime]:
    """The app in single-workspace mode (a bot token) or multi-workspace mode (OAuth installs in the database);
    ``sleep`` waits out Slack's pacing and ``Retry-After``."""
    if settings.multi_workspace:
        store = installs.installation_store(engine, settings.slack_client_id)
        tokens: installs.Tokens = installs.Installations(store)
        client = WebClient(base_url=settings.slack_api_url, timeout=10)  # OAuth and auth.test; tokens per call
    else:
        store = None
        tokens = installs.SingleWorkspace(settings.slack_bot_token.get_secret_value())
        client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url, sleep=sleep)
    sender = Sender(
        tokens,
        settings.slack_api_url,
        sleep=sleep,
        **({} if post_interval is None else {"post_interval": post_interval}),
    )
    directory = Directory(engine, sender, clock=clock)
    speaking = {}
    if store is not None:
        speaking = {
            "oauth_settings": installs.oauth_settings(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                state_secret=settings.slack_state_secret.get_secret_value(),
                store=store,
                engine=engine,
                refresh_people=directory.refresh,
            ),
            "authorize": installs.authorize(store, client),
        }
    rosters = Rosters(engine, sender, clock=clock)
    services = Services(
        catalogue=Catalogue(load_playbooks(settings.releasebot_playbooks)),
        admins=settings.admins,
        public_url=settings.releasebot_public_url,
    )
    background = Background(workers=16, name="after-ack")
    inbox = Inbox(inbox_engine(engine), clock, hand_off=hand_off)
    followup = FollowUp(
        engine, sender, directory, rosters, respond=responder(sleep), background=background, clock=clock
    )
    runtime = Runtime(
        engine=engine,
        sender=sender,
        directory=directory,
        rosters=rosters,
        services=services,
        followup=followup,
        background=background,
        inbox=inbox,
        ticker=Ticker(engine, sender, directory),
        clock=clock,
        installation_store=store,
    )
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Listeners keep the request in the inbox (or answer what needs no queue) and return, and the ack
        # goes at once; Bolt's own async mode would add a 10 ms polling delay to every ack.
        process_before_response=True,
        listener_executor=background,
        logger=logging.getLogger("slack_bolt"),
        **speaking,
    )
    register_all(app, runtime)
    return app, runtime
