"""Acknowledge first, work after: the requests Slack sends, kept in :mod:`storage.inbox` from before
the ack until their work is committed.

A listener checks what it can without the database, keeps the request (one INSERT) and returns, so
Slack's ack waits for nothing else; the work runs on the background pool right after. Slack retrying an
event we already hold is refused at the door by its key. Work that fails is tried again; work a crashed
process left behind is resumed at start and at every tick once its lease has run out. Each kind's work
records the request's key in its own transaction, so a request whose work was committed just before a
crash changes nothing when it is resumed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.runtime.background import Background
from storage import inbox
from storage.inbox import Item

log = logging.getLogger(__name__)

# How long the process that took a request may work on it before another may resume it: far longer than
# any request's work, and well within the 30 minutes a command's response_url accepts answers.
LEASE = timedelta(minutes=5)
# How many requests one process holds taken up at a time. Enough to keep its workers busy until it looks
# again (a second later, or at the next request), few enough to finish well within the lease: a backlog
# taken whole would outlast it, be taken again by others, and hold a stopping process up.
AT_ONCE = 100
# Pauses between the attempts one process makes at once (a lock timeout or a dropped connection passes).
PAUSES = (0.2, 1.0)


@dataclass(frozen=True)
class Kind:
    """What to do with one kind of request. ``work(item)`` decides and commits, and returns what to tell Slack
    (an answer, follow-ups), run once the request has left the inbox. ``rounds``: how many times a failing
    request is taken up again (a tick apart) before ``gave_up(body, reference)`` tells whoever waits."""

    work: Callable[[Item], Callable[[], None] | None]
    rounds: int = 1
    gave_up: Callable[[dict, str], None] | None = None


class Inbox:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        *,
        workers: int = 4,
        hand_off: Callable[[], None] | None = None,
    ):
        """``hand_off``: another process does the work (bot/runtime/worker.py); this one only keeps requests, free
        for the taking at once, and calls ``hand_off()`` to wake that process."""
        self._engine = engine
        self._hand_off = hand_off
        # Its own pool: an answer never queues behind follow-ups waiting out Slack's rate limits.
        self._background = Background(workers=workers, name="inbox")
        self._clock = clock
        self._kinds: dict[str, Kind] = {}
        # Work submitted and not finished, by request: a stopping process gives back what never started.
        self._submitted: dict[Future, int] = {}
        self._submitted_guard = threading.Lock()

    def handles(self, name: str, kind: Kind) -> None:
        self._kinds[name] = kind

    def accept(self, kind: str, body: dict, *, key: str | None = None) -> bool:
        """Keep a request and start its work; False when ``key`` is already here (Slack retrying an event).
        Without a key (Slack never retries a command) the request gets a fresh one."""
        key = key or uuid.uuid4().hex
        now = self._clock()
        lease_until = now if self._hand_off else now + LEASE
        item_id = inbox.put(self._engine, key=key, kind=kind, body=body, now=now, lease_until=lease_until)
        if item_id is None:
            return False
        if self._hand_off:
            self._hand_off()
            return True
        try:
            self._submit(Item(item_id, key, kind, body, now, attempts=0))
        except RuntimeError:  # shutting down: kept, it is the next process's once its lease runs out
            log.info("inbox: %s %s kept for the next process", kind, key)
        return True

    def resume(self) -> int:
        """Take up what nobody is working on any more (a crashed process's requests, and failed ones), as
        many as leave this process holding at most ``AT_ONCE``."""
        with self._submitted_guard:
            room = AT_ONCE - len(self._submitted)
        if room <= 0:
            return 0
        now = self._clock()
        items = inbox.take_expired(self._engine, now=now, lease_until=now + LEASE, limit=room)
        for item in items:
            self._submit(item)
        return len(items)

    def waiting(self) -> int:
        return inbox.waiting(self._engine)

    def backlog(self) -> inbox.Backlog:
        """What waits, and since when (for /healthz and /metrics)."""
        return inbox.backlog(self._engine, now=self._clock())

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return self._background.wait_idle(timeout)

    def shutdown(self, *, give_back: bool = False) -> None:
        """Finish what was accepted (a process killed before that leaves it to be resumed elsewhere). With
        ``give_back``, hand what has not started back to the inbox at once, free for the next process, and
        finish only the work under way: after a burst a stopping worker may hold up to ``AT_ONCE`` requests,
        and working through them would keep it running long after its web process has gone."""
        if give_back:
            self._background.shutdown(wait=False, cancel_futures=True)
            with self._submitted_guard:
                never_started = sorted(item_id for future, item_id in self._submitted.items() if future.cancelled())
                self._submitted.clear()
            if never_started:
                inbox.release(self._engine, never_started, now=self._clock())
                log.info("inbox: %d requests given back for the next process", len(never_started))
        self._background.shutdown()

    def _submit(self, item: Item) -> None:
        future = self._background.submit(self._run, item)
        with self._submitted_guard:
            self._submitted[future] = item.id
        future.add_done_callback(self._finished)

    def _finished(self, future: Future) -> None:
        if not future.cancelled():  # a cancelled one stays, for shutdown to give back
            with self._submitted_guard:
                self._submitted.pop(future, None)

    def _run(self, item: Item) -> None:
        kind = self._kinds[item.kind]
        for pause in (*PAUSES, None):
            try:
                then = kind.work(item)
            except Exception as error:
                if pause is not None:
                    log.warning("inbox: %s %s failed, trying again: %r", item.kind, item.key, error)
                    time.sleep(pause)
                    continue
                self._failed(item, kind, error)
                return
            inbox.remove(self._engine, item.id)
            if then is not None:
                then()
            return

    def _failed(self, item: Item, kind: Kind, error: Exception) -> None:
        rounds = item.attempts + 1
        if rounds < kind.rounds:
            log.warning("inbox: %s %s failed %d times, resumed at a later tick", item.kind, item.key, rounds)
            inbox.failed(self._engine, item.id, retry_at=self._clock())
            return
        reference = uuid.uuid4().hex[:8]
        log.error("inbox: gave up on %s %s (reference %s)", item.kind, item.key, reference, exc_info=error,
                  extra={"reference": reference})  # fmt: skip
        inbox.remove(self._engine, item.id)
        if kind.gave_up is not None:
            kind.gave_up(item.body, reference)
