"""Which bot token speaks to which workspace: one configured token, or installations made through OAuth.

Single-workspace mode (``SLACK_BOT_TOKEN``) uses the one token for every team. Multi-workspace mode
(``SLACK_CLIENT_ID``, ``SLACK_CLIENT_SECRET``, ``SLACK_STATE_SECRET``) runs Slack's OAuth install flow
through slack-bolt and keeps installations in the bot's own database with slack_sdk's SQLAlchemy
installation store; an uninstalled workspace has no token, so nothing more is sent to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.stateless import StatelessOAuthStateStore
from sqlalchemy.engine import Engine

from bot.release.workspace_settings import first_use
from storage import queries
from storage.db import session_scope

log = logging.getLogger(__name__)

# What the bot does in Slack, and so what an install asks for (the manifest lists the same).
BOT_SCOPES = (
    "channels:history",  # message.channels: files shared in release channels
    "channels:manage",
    "channels:read",
    "chat:write",
    "chat:write.public",  # the escalation channel may be one the bot was never invited to
    "commands",
    "files:read",  # downloading shared files to check them
    "files:write",  # the weekly picture's image
    "groups:history",  # message.groups: the same in private release channels
    "pins:write",
    "reactions:read",
    "users:read",
)
# How long a token found in the store is trusted before it is looked up again (an uninstall in this
# process forgets it at once; other processes stop within this time).
TOKEN_TTL_SECONDS = 60.0
STATE_TTL_SECONDS = 300


class Tokens(Protocol):
    def bot_token(self, team_id: str) -> str | None:
        """The bot token for ``team_id``, or None when the app is not installed there."""

    def forget(self, team_id: str) -> None:
        """Drop what is known about ``team_id`` (it uninstalled or revoked the token)."""


class SingleWorkspace:
    """The configured ``SLACK_BOT_TOKEN`` for every team (the app is installed in one workspace)."""

    def __init__(self, token: str):
        self._token = token

    def bot_token(self, team_id: str) -> str | None:
        return self._token

    def forget(self, team_id: str) -> None:
        """Nothing to forget: Slack refuses a revoked token with ``token_revoked``, which stops sending."""


class Installations:
    """Bot tokens from the installation store, cached for a short while per team."""

    def __init__(self, store: SQLAlchemyInstallationStore, *, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self._clock = clock
        self._known: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def bot_token(self, team_id: str) -> str | None:
        with self._lock:
            token, until = self._known.get(team_id, (None, 0.0))
        if until > self._clock():
            return token
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        token = bot.bot_token if bot is not None else None
        with self._lock:
            self._known[team_id] = (token, self._clock() + TOKEN_TTL_SECONDS)
        return token

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._known.pop(team_id, None)


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """slack_sdk's store on our engine; its tables are created by our migrations (0002)."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)


def oauth_settings(
    *,
    client_id: str,
    client_secret: str,
    state_secret: str,
    store: SQLAlchemyInstallationStore,
    engine: Engine,
    refresh_people: Callable[[str, list[str]], None],
) -> OAuthSettings:
    """Bolt's install flow at ``/slack/install`` and ``/slack/oauth_redirect``.

    The OAuth ``state`` is signed with ``SLACK_STATE_SECRET`` (no table, so any process can finish an
    install another began); the install page's cookie still binds it to the browser that started it.
    """
    return OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=StatelessOAuthStateStore(expiration_seconds=STATE_TTL_SECONDS, signing_secret=state_secret),
        callback_options=CallbackOptions(success=_installed(engine, refresh_people), failure=_install_failed),
        logger=log,
    )


def authorize(store: SQLAlchemyInstallationStore, client: WebClient) -> InstallationStoreAuthorize:
    """Bolt's authorization from the store, remembering each token's ``auth.test`` so that a request
    costs one SELECT, not a call to Slack (the store lookup comes first, so an uninstall still counts)."""
    return InstallationStoreAuthorize(
        installation_store=store, bot_only=True, cache_enabled=True, client=client, logger=log
    )


def _installed(
    engine: Engine, refresh_people: Callable[[str, list[str]], None]
) -> Callable[[SuccessArgs], BoltResponse]:
    """After an install: the workspace is live, and a new one starts from its installer's timezone and
    country (asked of Slack before the transaction) rather than from whoever happens to type first."""

    def success(args: SuccessArgs) -> BoltResponse:
        team_id, installer = args.installation.team_id, args.installation.user_id
        refresh_people(team_id, [installer])
        with session_scope(engine) as session:
            queries.mark_installed(session=session, team_id=team_id, name=args.installation.team_name or "")
            workspace = queries.get_or_create_workspace(session=session, team_id=team_id)
            first_use(workspace, queries.get_person(session=session, team_id=team_id, user_id=installer or ""))
        log.info("installed in workspace %s", team_id)
        return args.default.success(args)

    return success


def _install_failed(args) -> BoltResponse:
    log.warning("install failed: %s", args.reason)
    return args.default.failure(args)


def uninstalled(
    engine: Engine, tokens: Tokens, store: SQLAlchemyInstallationStore | None, team_id: str, *, at: datetime
) -> None:
    """Stop everything for ``team_id``: its token is gone, and ticks no longer plan messages for it."""
    if store is not None:
        store.delete_installation(enterprise_id=None, team_id=team_id, user_id=None)
        store.delete_bot(enterprise_id=None, team_id=team_id)
    tokens.forget(team_id)
    with session_scope(engine) as session:
        queries.mark_uninstalled(session=session, team_id=team_id, at=at)
    log.info("uninstalled from workspace %s; nothing more is sent there", team_id)
