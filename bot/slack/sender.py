"""The one way out to Slack.

Every Web API call goes through :class:`Sender`, naming the workspace it is for: the token
comes from :mod:`bot.slack.installs` (none for a workspace that uninstalled the app, and then nothing
is sent); slack_sdk's retry handlers wait out 429s for ``Retry-After`` and retry 5xx and
connection errors with backoff; posts to one channel are paced to Slack's ~1 message per second
per channel; failures are logged with the method and channel. Every one of those waits goes through
the injected ``sleep``, which a stopping process makes raise (bot/runtime/stopping.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.runtime.metrics import SLACK_ERRORS
from bot.slack.installs import Tokens
from messages.render import Message

log = logging.getLogger(__name__)

# Slack allows about one message per second per channel; a little over keeps us clear of its 429s.
POST_INTERVAL_SECONDS = 1.05
# Errors no retry can fix: the target is gone or we are not allowed there.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "user_not_found",
        "account_inactive",
        "not_in_channel",
        "invalid_auth",
        "restricted_action",
        "cannot_dm_bot",
        "user_disabled",
        "missing_scope",
        "token_revoked",
        "app_uninstalled",
    }
)
# Our own error code for a workspace without a bot token: the app was uninstalled there.
NOT_INSTALLED = "app_uninstalled"


# Slack reads a JSON body only on these methods (``json_input_supported`` in its method reference);
# the rest (users.info, conversations.info, …) silently ignore one, so they get form arguments.
JSON_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.delete",
        "conversations.create",
        "conversations.invite",
        "conversations.join",
        "conversations.open",
        "conversations.rename",
        "conversations.setTopic",
        "reactions.add",
        "reactions.remove",
        "views.open",
        "views.publish",
        "views.push",
        "views.update",
    }
)


class ExactRetryAfter(RateLimitErrorRetryHandler):
    """Waits exactly the ``Retry-After`` Slack asks for after a 429.

    slack_sdk's handler adds up to a second of random jitter, which spreads the retries of many
    clients; for the one paced queue a process sends from, it only adds idle time. ``sleep`` is injected
    so that tests need not wait out a real ``Retry-After``. After ``max_retry_count`` 429s in a row the
    call gives up with Slack's error, like any other.
    """

    def __init__(self, *, max_retry_count: int, sleep: Callable[[float], None] = time.sleep):
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest, response=None, error=None) -> None:
        if response is None:
            raise error
        state.next_attempt_requested = True
        state.increment_current_attempt()
        retry_after = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
        self._sleep(int(retry_after[0]))


class _BacksOffWith(RetryHandler):
    """slack_sdk's backoff between attempts, waited with ``sleep`` (its own calls ``time.sleep``, which
    nothing can cut short)."""

    def __init__(self, *, sleep: Callable[[float], None], **options):
        super().__init__(**options)
        self._sleep = sleep

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest, response=None, error=None) -> None:
        state.next_attempt_requested = True
        self._sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


class ServerErrorRetry(_BacksOffWith, ServerErrorRetryHandler):
    """Retries a 5xx with backoff."""


class ConnectionErrorRetry(_BacksOffWith, ConnectionErrorRetryHandler):
    """Retries a refused or dropped connection with backoff."""


def retry_handlers(sleep: Callable[[float], None]) -> list[RetryHandler]:
    """What a Web API call retries, each wait taken with ``sleep``."""
    return [
        ExactRetryAfter(max_retry_count=5, sleep=sleep),
        ServerErrorRetry(max_retry_count=3, sleep=sleep),
        ConnectionErrorRetry(max_retry_count=3, sleep=sleep),
    ]


def make_client(token: str, base_url: str, *, sleep: Callable[[float], None] = time.sleep) -> WebClient:
    """A WebClient that honours SLACK_API_URL and retries what Slack asks us to retry, waiting with ``sleep``."""
    return WebClient(token=token, base_url=base_url, timeout=10, retry_handlers=retry_handlers(sleep))


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error")) if error.response is not None else "unknown_error"


class Sender:
    """``clock`` and ``sleep`` pace posts per channel and wait out 429s: tests pass fakes that never wait."""

    def __init__(
        self,
        tokens: Tokens,
        base_url: str,
        *,
        post_interval: float = POST_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.tokens = tokens
        self._base_url = base_url
        self._clients: dict[str, WebClient] = {}
        self._interval = post_interval
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def client_for(self, team_id: str) -> WebClient:
        """The workspace's client (one per token, reused); SlackApiError ``app_uninstalled`` when it has none."""
        token = self.tokens.bot_token(team_id)
        if token is None:
            raise SlackApiError(f"not installed in {team_id}", {"ok": False, "error": NOT_INSTALLED})
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = self._clients[token] = make_client(token, self._base_url, sleep=self._sleep)
        return client

    def call(self, team_id: str, method: str, **params) -> SlackResponse:
        """Any Web API method in ``team_id`` (JSON body where Slack reads one); raises SlackApiError with Slack's
        error code."""
        try:
            client = self.client_for(team_id)
            if method in JSON_METHODS:
                return client.api_call(method, json=params)
            return client.api_call(method, data=params)
        except SlackApiError as error:
            _count_failure(team_id, method, params.get("channel"), error)
            raise

    def trusts_file_url(self, url: str) -> bool:
        """Whether the bot token may go with a request to ``url``: Slack's own hosts over HTTPS, or the host of
        the Web API this sender talks to (a proxy, or a stand-in). A token sent anywhere else could be stolen."""
        target, ours = urlsplit(url), urlsplit(self._base_url)
        host = (target.hostname or "").lower()
        slack = target.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))
        return slack or (target.scheme, target.netloc) == (ours.scheme, ours.netloc)

    def post(self, team_id: str, channel: str, message: Message, **extra) -> SlackResponse:
        """chat.postMessage, waiting for the channel's next free slot (a user id posts to their DM)."""
        self._wait_for_slot(channel)
        return self.call(team_id, "chat.postMessage", channel=channel, **message.as_kwargs(), **extra)

    def upload(self, team_id: str, channel: str, content: bytes, *, filename: str, title: str, comment: str) -> None:
        """Share a file into ``channel`` with ``comment``: files.getUploadURLExternal, the bytes to its URL, then
        files.completeUploadExternal. A user id is their DM, opened first: a file is shared into a conversation."""
        self._wait_for_slot(channel)
        if channel.startswith(("U", "W")):
            channel = self.call(team_id, "conversations.open", users=channel)["channel"]["id"]
        try:
            self.client_for(team_id).files_upload_v2(
                channel=channel, content=content, filename=filename, title=title, initial_comment=comment
            )
        except SlackApiError as error:
            _count_failure(team_id, "files.completeUploadExternal", channel, error)
            raise

    def update(self, team_id: str, channel: str, ts: str, message: Message) -> SlackResponse:
        return self.call(team_id, "chat.update", channel=channel, ts=ts, **message.as_kwargs())

    def ephemeral(self, team_id: str, channel: str, user: str, message: Message) -> SlackResponse:
        return self.call(team_id, "chat.postEphemeral", channel=channel, user=user, **message.as_kwargs())

    def privately(self, team_id: str, channel: str | None, user: str, message: Message) -> bool:
        """Only ``user`` sees it: as an ephemeral in ``channel``, or by DM when there is no channel or Slack will
        not show it there (they are not in it). False when neither arrived (the call logged why)."""
        if channel:
            try:
                self.ephemeral(team_id, channel, user, message)
                return True
            except SlackApiError:
                pass
        try:
            self.post(team_id, user, message)
            return True
        except SlackApiError:
            return False

    def wait_before(self, channel: str) -> float:
        """Seconds until ``channel`` may take another post (0 when it may now)."""
        with self._lock:
            return max(0.0, self._next_slot.get(channel, 0.0) - self._clock())

    def _wait_for_slot(self, channel: str) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(channel, now))
            self._next_slot[channel] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)


def _count_failure(team_id: str, method: str, channel: str | None, error: SlackApiError) -> None:
    SLACK_ERRORS.labels(method, error_code(error)).inc()
    log.warning(
        "slack %s failed: %s",
        method,
        error_code(error),
        extra={
            "slack_team": team_id,
            "slack_method": method,
            "slack_channel": channel,
            "slack_error": error_code(error),
        },
    )
