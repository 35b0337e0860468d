"""DMs that come in a burst, told as one: a PM handing someone five deliverables in a row, or one finished item
letting several of a person's go ahead. The first is posted; each that follows within GATHER_WINDOW is added to
it with chat.update, which does not ping again, so the person is told once and reads everything together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from messages import builders
from messages.render import Message

# Long enough for a PM's run of assignments; short enough that nothing added is news the person has missed.
GATHER_WINDOW = timedelta(minutes=3)

# The DMs that gather, what makes two of them one burst (who handed the work, or which item was done), and the
# macro that words several.
GATHERED: dict[str, tuple[Callable[[tuple], object], str]] = {
    "assigned_dm": (lambda args: args[2], "assigned_dms"),
    "now_unblocked_dm": (lambda args: args[2].id, "now_unblocked_dms"),
}


@dataclass
class _Burst:
    channel: str
    ts: str
    since: datetime
    items: list[tuple] = field(default_factory=list)


class Gathering:
    """The bursts still open, per recipient and what gathers them (in this process: after a restart the next DM
    is posted anew, which costs one more ping and loses nothing)."""

    def __init__(self, clock: Callable[[], datetime]):
        self._clock = clock
        self._bursts: dict[tuple, _Burst] = {}
        self._guard = threading.Lock()
        self._turns: dict[tuple, threading.Lock] = {}

    def tell(
        self,
        recipient: tuple[str, str],
        macro: str,
        args: tuple,
        *,
        lang: str,
        post: Callable[[Message], dict],
        update: Callable[[str, str, Message], object],
    ) -> None:
        """DM ``macro(*args)`` to ``recipient`` (team, user): posted, or added to the burst it belongs to."""
        if macro not in GATHERED:
            post(builders.reply("replies", macro, *args, lang=lang))
            return
        by, many = GATHERED[macro]
        key = (*recipient, macro, by(args))
        with self._turn(key):
            now = self._clock()
            burst = self._bursts.get(key)
            if burst is not None and now - burst.since <= GATHER_WINDOW:
                try:
                    update(burst.channel, burst.ts, builders.reply("replies", many, [*burst.items, args], lang=lang))
                    burst.items.append(args)
                    return
                except SlackApiError:
                    pass  # the first DM is gone (deleted, or Slack refused the edit): this one starts a burst
            posted = post(builders.reply("replies", macro, *args, lang=lang))
            self._bursts[key] = _Burst(posted["channel"], posted["ts"], now, [args])

    def _turn(self, key: tuple) -> threading.Lock:
        """One DM at a time per burst; bursts whose window has passed are forgotten here."""
        with self._guard:
            now = self._clock()
            for old in [k for k, b in self._bursts.items() if now - b.since > GATHER_WINDOW]:
                del self._bursts[old]
                self._turns.pop(old, None)
            return self._turns.setdefault(key, threading.Lock())
