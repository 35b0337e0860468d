"""The one way out to Slack.

Every Web API call goes through :class:`Sender`: slack_sdk's retry handlers wait out
429s for ``Retry-After`` and retry 5xx and connection errors with backoff; posts to one
channel are paced to Slack's ~1 message per second per channel; failures are logged
with the method and channel.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

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
    }
)


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


def make_client(token: str, base_url: str) -> WebClient:
    """A WebClient that honours SLACK_API_URL and retries what Slack asks us to retry."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=3),
        ],
    )


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error")) if error.response is not None else "unknown_error"


class Sender:
    def __init__(
        self,
        client: WebClient,
        *,
        post_interval: float = POST_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self._interval = post_interval
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def call(self, method: str, **params) -> SlackResponse:
        """Any Web API method (JSON body where Slack reads one); raises SlackApiError with Slack's error code."""
        try:
            if method in JSON_METHODS:
                return self.client.api_call(method, json=params)
            return self.client.api_call(method, data=params)
        except SlackApiError as error:
            log.warning(
                "slack %s failed: %s",
                method,
                error_code(error),
                extra={
                    "slack_method": method,
                    "slack_channel": params.get("channel"),
                    "slack_error": error_code(error),
                },
            )
            raise

    def post(self, channel: str, message: Message, **extra) -> SlackResponse:
        """chat.postMessage, waiting for the channel's next free slot (a user id posts to their DM)."""
        self._wait_for_slot(channel)
        return self.call("chat.postMessage", channel=channel, **message.as_kwargs(), **extra)

    def update(self, channel: str, ts: str, message: Message) -> SlackResponse:
        return self.call("chat.update", channel=channel, ts=ts, **message.as_kwargs())

    def ephemeral(self, channel: str, user: str, message: Message) -> SlackResponse:
        return self.call("chat.postEphemeral", channel=channel, user=user, **message.as_kwargs())

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
