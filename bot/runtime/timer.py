"""APScheduler runs one tick a minute inside ``serve`` and ``run`` (RELEASEBOT_SCHEDULER=off disables it).

The job holds no state: each tick reads the database to decide what is due, so restarts
and deploys lose nothing, and several processes may tick at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime.intake import Inbox
from bot.runtime.metrics import TICK_SECONDS
from bot.runtime.tick import Ticker
from bot.slack.effects import FollowUp

log = logging.getLogger(__name__)


def run_tick(ticker: Ticker, followup: FollowUp, inbox: Inbox, now: datetime) -> None:
    with TICK_SECONDS.time():
        report = ticker.tick(now)
        followup.reconcile()
        inbox.resume()
    if report.reserved or report.sent or report.failed:
        log.info("tick: %s", report)


def start(ticker: Ticker, followup: FollowUp, inbox: Inbox, *, clock: Callable[[], datetime]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        lambda: run_tick(ticker, followup, inbox, clock()),
        IntervalTrigger(minutes=1),
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
