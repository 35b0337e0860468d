"""A thread pool that can say when it is idle: for the work Slack must not wait for.

Bolt runs listeners on it after acking, and follow-ups run on it after a command's ack;
tests and graceful shutdown wait on :meth:`wait_idle`.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

from bot.runtime.stopping import Stopping

log = logging.getLogger(__name__)


class Background(ThreadPoolExecutor):
    def __init__(self, workers: int, name: str):
        super().__init__(max_workers=workers, thread_name_prefix=name)
        self._pending: set[Future] = set()
        self._guard = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        with self._guard:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._guard:
            self._pending.discard(future)
        if future.cancelled() or future.exception() is None:
            return
        if isinstance(future.exception(), Stopping):
            log.info("background work cut short: the process is stopping")
        else:
            log.error("background work failed", exc_info=future.exception())

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is queued or running (work may submit more work); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._guard:
                pending = list(self._pending)
            if not pending:
                return True
            for future in pending:
                try:
                    future.exception(timeout=max(0.0, deadline - time.monotonic()))
                except CancelledError:
                    continue  # given back by a stopping process: not waited for
                except TimeoutError:
                    return False
        return False
