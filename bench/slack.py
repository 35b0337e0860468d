"""The Slack stand-in the bench's servers talk to, in a process of its own.

Real Slack runs on other machines. A stand-in inside the bench's own process would share one
interpreter lock with the clients timing the acks: each answer our worker posts, each checklist update
and DM, would run there and delay the next timing. The floor calls Slack for nothing, so the delay
would fall on our figures alone. For the same reason the stand-in's process runs at the lowest CPU
priority: on the bench's machine it stands for machines of Slack's, and it should not take a core from
the servers being measured (it answers as fast as before whenever one is free).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.managers import BaseManager

from tests.support.standin import SlackStandIn


class RemoteSlack:
    """What the bench asks of the stand-in, as methods (a proxy reaches methods, not attributes)."""

    def __init__(self, team_id: str):
        os.nice(19)  # this runs in the stand-in's own process
        self._standin = SlackStandIn(team_id=team_id).start()

    def base_url(self) -> str:
        return self._standin.base_url

    def add_user(self, user_id: str, *, name: str, tz: str) -> None:
        self._standin.add_user(user_id, name=name, tz=tz)

    def add_channel(self, channel_id: str) -> None:
        self._standin.add_channel(channel_id, members={"UBOT"}, channel_id=channel_id)

    def response_url(self, key: str) -> str:
        return self._standin.response_url(key)

    def answered_at(self, key: str, wait: float) -> float | None:
        """``time.monotonic()`` of the answer's arrival: the same clock in every process on one machine."""
        return self._standin.answered_at(key, wait=wait)

    def activity(self) -> int:
        """Calls and answers so far: it stops growing once the server's work has drained."""
        return len(self._standin.calls) + self._standin.answers_posted()

    def stop(self) -> None:
        self._standin.stop()


class _Process(BaseManager):
    pass


_Process.register("RemoteSlack", RemoteSlack)


@contextmanager
def slack_in_a_process(team_id: str) -> Iterator[RemoteSlack]:
    process = _Process()
    process.start()
    slack = process.RemoteSlack(team_id)
    try:
        yield slack
    finally:
        slack.stop()
        process.shutdown()
