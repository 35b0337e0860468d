"""Acknowledge first, work after: the requests Slack sends, kept in :mod:`storage.inbox` from before
the ack until their work is committed.

A listener checks what it can without the database, keeps the request (one INSERT) and returns, so
Slack's ack waits for nothing else; the work runs on the background pool right after. Slack retrying an
event we already hold is refused at the door by its key. Work that fails is tried again. A process holds
what it works on under short leases that it renews while the work runs, so what a crashed process left
behind is free seconds after it died, and is resumed by whoever looks next (a worker looks every second).
Each kind's work records the request's key in its own transaction, so a request whose work was committed
just before a crash changes nothing when it is resumed; a request leaves the inbox only once what follows
its work (a command's answer) has been done.
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

from bot.runtime import holders
from bot.runtime.background import Background
from bot.runtime.stopping import Stopping
from storage import inbox
from storage.inbox import Item

log = logging.getLogger(__name__)

# How long a request stays with the process that took it without word from it: the process renews the
# leases of what it holds every RENEW_EVERY while it works, so this only has to outlast a stall (a slow
# database, a long pause), and a crashed process's requests are free this long after it died.
LEASE = timedelta(seconds=20)
RENEW_EVERY = LEASE / 4
# How many requests one process holds taken up at a time. Enough to keep its workers busy until it looks
# again (a second later, or at the next request), few enough to finish well within the lease: a backlog
# taken whole would outlast it, be taken again by others, and hold a stopping process up.
AT_ONCE = 100
# The longest an ack waits for its request to be kept: Slack gives up on an ack after 3 s, whatever the
# database is doing.
KEEP_WAIT = 1.0
# Threads keeping requests. Each holds its own connection to the inbox (storage/inbox.py), so few: one
# INSERT is a millisecond, and a burst's acks take turns at them well within Slack's three seconds.
KEEPERS = 8
# Pauses between the attempts one process makes at once (a lock timeout or a dropped connection passes).
PAUSES = (0.2, 1.0)


@dataclass(frozen=True)
class Kind:
    """What to do with one kind of request. ``work(item)`` decides and commits, and returns what to tell Slack
    (an answer, follow-ups), run before the request leaves the inbox. ``rounds``: how many times a failing
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
        # This inbox's name on the leases it holds: only it renews them, and others can tell when it is gone.
        self._holder = holders.new_name()
        # Its own pool: an answer never queues behind follow-ups waiting out Slack's rate limits.
        self._background = Background(workers=workers, name="inbox")
        self._keeping = Background(workers=KEEPERS, name="inbox-keep")
        self._clock = clock
        self._kinds: dict[str, Kind] = {}
        # Work submitted and not finished, by request: a stopping process gives back what never started.
        self._submitted: dict[Future, int] = {}
        self._submitted_guard = threading.Lock()
        self._stopped = threading.Event()
        if hand_off is None:
            threading.Thread(target=self._renew_leases, name="inbox-leases", daemon=True).start()

    def handles(self, name: str, kind: Kind) -> None:
        self._kinds[name] = kind

    def accept(self, kind: str, body: dict, *, key: str | None = None) -> bool:
        """Keep a request and start its work; False when ``key`` is already here (Slack retrying an event).
        Without a key the request gets a fresh one. The caller's ack waits at most ``KEEP_WAIT`` for the
        database: a request not kept by then is kept (and worked) as soon as the database answers."""
        keeping = self._keeping.submit(self._keep, kind, body, key or uuid.uuid4().hex)
        try:
            return keeping.result(timeout=KEEP_WAIT)
        except TimeoutError:
            log.warning("inbox: a %s not kept within %.1f s is acknowledged all the same", kind, KEEP_WAIT)
            return True

    def _keep(self, kind: str, body: dict, key: str) -> bool:
        now = self._clock()
        lease_until, holder = (now, None) if self._hand_off else (now + LEASE, self._holder)
        item_id = inbox.put(
            self._engine, key=key, kind=kind, body=body, now=now, lease_until=lease_until, holder=holder
        )
        if item_id is None:
            return False
        if self._hand_off:
            self._hand_off()
            return True
        try:
            self._submit(Item(item_id, key, kind, body, now, attempts=0))
        except RuntimeError:  # shutting down: kept, free for the next process at once
            inbox.release(self._engine, [item_id], holder=self._holder, now=now)
            log.info("inbox: %s %s kept for the next process", kind, key)
        return True

    def resume(self) -> int:
        """Take up what nobody is working on any more (a crashed process's requests: at once when it ran on
        this machine, else once their leases run out; and failed ones), as many as leave this process
        holding at most ``AT_ONCE``."""
        self._take_over_from_the_gone()
        with self._submitted_guard:
            room, held = AT_ONCE - len(self._submitted), set(self._submitted.values())
        if room <= 0:
            return 0
        now = self._clock()
        items = inbox.take_expired(self._engine, now=now, lease_until=now + LEASE, holder=self._holder, limit=room)
        items = [item for item in items if item.id not in held]  # one whose lease ran out while it waited here
        for item in items:
            self._submit(item)
        return len(items)

    def _take_over_from_the_gone(self) -> None:
        for holder in inbox.lease_holders(self._engine):
            if holder != self._holder and holders.is_gone(holder):
                freed = inbox.release_all_of(self._engine, holder, now=self._clock())
                log.info("inbox: %d requests of %s, which has gone, are free", freed, holder)

    def waiting(self) -> int:
        return inbox.waiting(self._engine)

    def backlog(self) -> inbox.Backlog:
        """What waits, and since when (for /healthz and /metrics)."""
        return inbox.backlog(self._engine, now=self._clock())

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every request accepted so far is kept and its work done."""
        deadline = time.monotonic() + timeout
        kept = self._keeping.wait_idle(timeout)
        return kept and self._background.wait_idle(max(0.0, deadline - time.monotonic()))

    def shutdown(self, *, give_back: bool = False, timeout: float | None = None) -> bool:
        """Finish what was accepted (a process killed before that leaves it to be resumed elsewhere). With
        ``give_back``, hand what has not started back to the inbox at once, free for the next process, and
        finish only the work under way: after a burst a stopping worker may hold up to ``AT_ONCE`` requests,
        and working through them would keep it running long after its web process has gone. ``timeout``:
        how long to wait for the work under way (what is still running then keeps its lease, which runs out
        once this process has gone); False when it did not finish."""
        self._keeping.shutdown()
        if give_back:
            self._background.shutdown(wait=False, cancel_futures=True)
            with self._submitted_guard:
                never_started = sorted(item_id for future, item_id in self._submitted.items() if future.cancelled())
                for future in [future for future in self._submitted if future.cancelled()]:
                    del self._submitted[future]
            if never_started:
                inbox.release(self._engine, never_started, holder=self._holder, now=self._clock())
                log.info("inbox: %d requests given back for the next process", len(never_started))
        finished = self._background.wait_idle(timeout) if timeout is not None else True
        self._background.shutdown(wait=finished)
        self._stopped.set()
        return finished

    def _submit(self, item: Item) -> None:
        future = self._background.submit(self._run, item)
        with self._submitted_guard:
            self._submitted[future] = item.id
        future.add_done_callback(self._finished)

    def _finished(self, future: Future) -> None:
        if not future.cancelled():  # a cancelled one stays, for shutdown to give back
            with self._submitted_guard:
                self._submitted.pop(future, None)

    def _renew_leases(self) -> None:
        while not self._stopped.wait(RENEW_EVERY.total_seconds()):
            try:
                self.renew_leases()
            except Exception:  # noqa: BLE001 - a database that failed now may answer at the next renewal
                log.warning("inbox: could not renew the leases of what this process holds", exc_info=True)

    def renew_leases(self) -> None:
        """Keep the leases of what this process holds (working on it, or queued) from running out."""
        with self._submitted_guard:
            held = dict(self._submitted)
        if held:
            kept = inbox.renew(self._engine, list(held.values()), holder=self._holder, until=self._clock() + LEASE)
            self._drop_lost({future: item_id for future, item_id in held.items() if item_id not in kept})

    def _drop_lost(self, lost: dict[Future, int]) -> None:
        """Requests whose lease ran out and that another process took (this one stalled past its lease): what has
        not started here is left to that process; what has is finished here, and the request's recorded key
        keeps it from changing anything twice."""
        for future, item_id in lost.items():
            if future.cancel():
                with self._submitted_guard:
                    self._submitted.pop(future, None)
                log.warning("inbox: request %d was taken over by another process after its lease ran out", item_id)

    def _run(self, item: Item) -> None:
        kind = self._kinds[item.kind]
        try:
            for pause in (*PAUSES, None):
                try:
                    then = kind.work(item)
                except Stopping:
                    raise
                except Exception as error:
                    if pause is None:
                        self._failed(item, kind, error)
                        return
                    log.warning("inbox: %s %s failed, trying again: %r", item.kind, item.key, error)
                    time.sleep(pause)
                    continue
                if then is not None:
                    self._follow(item, then)
                inbox.remove(self._engine, item.id)
                return
        except Stopping:  # the process is stopping and cut a wait for Slack short: the next process resumes it
            inbox.release(self._engine, [item.id], holder=self._holder, now=self._clock())
            log.info("inbox: %s %s given back for the next process", item.kind, item.key)

    @staticmethod
    def _follow(item: Item, then: Callable[[], None]) -> None:
        """What follows committed work (an answer, follow-ups), done while the request is still in the inbox: a
        process that dies here leaves the request to be resumed, and its work's kept answer goes out then.
        Failing, it is not tried again: the work is saved, and the answer's own sending logs why."""
        try:
            then()
        except Stopping:
            raise
        except Exception:
            log.exception("inbox: what follows %s %s failed", item.kind, item.key)

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
