"""A process told to stop: SIGTERM or SIGINT starts an orderly stop that ends within seconds, a second one
ends the process at once, and every wait for Slack (a retry's backoff, a 429's Retry-After, a channel's
pacing) is cut short on the way, so no call goes on retrying against a Slack that has gone.

Linux also lets a worker ask for a signal when the process that started it dies (``PR_SET_PDEATHSIG``):
a web process killed outright then still takes its worker with it. That signal is SIGHUP, which only ever
starts the orderly stop: the kernel sends it again each time one of the dying process's threads ends,
and those are not a person asking twice.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

log = logging.getLogger(__name__)

# prctl(2)'s option that names the signal a process gets when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


class Stopping(Exception):  # noqa: N818 - it names the state the wait was cut short by, not a fault
    """Raised from a wait once the process is stopping: the call gives up, and what it was for is left to the
    next process (a kept request, a pending message)."""


class Stop:
    """Set by the first SIGTERM or SIGINT (or :meth:`set`): take no more work. Waits for Slack go on until
    :meth:`cut_waits`, so that work under way gets a moment to finish against a Slack that answers. The
    signal handler only sets a flag, because an exception raised from a handler is lost when the signal
    lands in a finaliser or a weakref callback."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._waits_cut = threading.Event()
        self._signalled = False

    def install(self) -> Stop:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        signal.signal(signal.SIGHUP, lambda _signum, _frame: self._event.set())
        return self

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    def cut_waits(self) -> None:
        self._waits_cut.set()

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` that raises :class:`Stopping` once waits are cut (at once, if they are already)."""
        if self._waits_cut.wait(seconds):
            raise Stopping()

    def _on_signal(self, signum: int, _frame) -> None:
        if self._signalled:
            os._exit(128 + signum)  # asked twice: whatever is under way is left to its lease
        self._signalled = True
        self._event.set()


def die_with_parent() -> None:
    """Have the kernel send SIGHUP to this process when the one that started it dies, however it dies (Linux
    only: elsewhere the closed wake-up pipe is the only sign)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))


def leave_now(code: int = 0) -> None:
    """End the process without waiting for its threads: one blocked on a Slack that does not answer would
    hold the exit up for its whole timeout and retries. What they were doing is kept, under a lease that runs
    out (the inbox's requests, the outbox's messages)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
