"""The inbox's work in a process of its own, so that the web process only acknowledges.

``releasebot serve`` starts it (``releasebot work``) and wakes it through a pipe each time it keeps a
request; the worker also looks once a second for requests nobody is working on. The worker ticks the
scheduler and runs the follow-ups of what it works on. When the pipe closes (the web process has
gone, however it went; on Linux the kernel also sends the worker SIGHUP then) the worker gives back
what it took and has not started (free for the next process at once), lets the work under way finish
for a moment, and exits within seconds; if the worker dies, the web process starts another.
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
import sys
import threading
import time

from bot.runtime.intake import Inbox
from bot.runtime.stopping import Stop

log = logging.getLogger(__name__)

# How often the worker looks in the inbox without being woken (requests kept by another web process).
POLL_SECONDS = 1.0


class Worker:
    """The web process's handle on its worker: ``start()`` once the database is migrated, ``wake()`` after
    keeping a request, ``stop()`` at the end."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._stopping = threading.Event()
        self._child: subprocess.Popen | None = None

    def start(self) -> None:
        self._child = self._spawn()
        threading.Thread(target=self._watch, name="worker-watch", daemon=True).start()

    def wake(self) -> None:
        try:
            os.write(self._write, b".")
        except BlockingIOError:
            pass  # the pipe is full of wake-ups the worker has yet to read: it is awake already

    def stop(self, timeout: float) -> None:
        """Close the pipe (the worker winds down and exits) and wait ``timeout`` for it, then kill it."""
        self._stopping.set()
        os.close(self._write)
        try:
            self._child.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the worker did not stop within %s s; killed", timeout)
            self._child.kill()

    def _spawn(self) -> subprocess.Popen:
        argv = [sys.executable, "-m", "bot.runtime.cli", "work", "--wake-fd", str(self._read)]
        return subprocess.Popen(argv, pass_fds=[self._read])

    def _watch(self) -> None:
        """Replace a worker that died. The replacement is this thread's child: Linux signals a child when the
        thread that started it ends, and this one ends only after its last worker has."""
        while not self._stopping.is_set():
            code = self._child.wait()
            if self._stopping.is_set():
                return
            log.error("the worker exited with %s; starting another", code)
            time.sleep(1)
            self._child = self._spawn()


def work_forever(inbox: Inbox, wake_fd: int, stop: threading.Event | Stop | None = None) -> None:
    """Take up what the web process keeps, until it goes or ``stop`` is set (within ``POLL_SECONDS``)."""
    while stop is None or not stop.is_set():
        woken, _, _ = select.select([wake_fd], [], [], POLL_SECONDS)
        if woken and not os.read(wake_fd, 4096):
            return  # the web process has gone
        inbox.resume()
