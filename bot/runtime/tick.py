"""One tick: refresh the people a reminder may reach, plan what is due at ``now`` and reserve it in the
outbox (one transaction), deliver what is pending, and forget request keys too old to guard against anything.

Slack is asked about people before the transaction opens, so a slow ``users.info`` never holds the
database while commands wait to be answered. Trouble with one workspace's people, one release or one
message is logged and skipped (see :mod:`bot.release.planning` and :mod:`bot.slack.delivery`): the rest
of the tick still goes out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.release.outcome import utc
from bot.release.planning import plan, reserve
from bot.slack.delivery import Delivery, TickReport
from bot.slack.people import Directory
from bot.slack.sender import Sender
from storage import queries
from storage.db import session_scope

log = logging.getLogger(__name__)

# Slack retries an event for about an hour and refuses a signed request older than five minutes: request keys
# kept this long have guarded against everything they can. At most FORGET_AT_ONCE go each tick.
KEEP_REQUEST_KEYS = timedelta(days=2)
FORGET_AT_ONCE = 5000


class Ticker:
    def __init__(
        self, engine: Engine, sender: Sender, directory: Directory, *, retry_for: timedelta = timedelta(hours=6)
    ):
        self._engine = engine
        self._directory = directory
        self.delivery = Delivery(engine, sender, retry_for=retry_for)

    def tick(self, now: datetime) -> TickReport:
        now = utc(now)
        report = TickReport()
        with session_scope(self._engine) as session:
            to_remind = queries.people_to_remind(session=session)
        for team_id, user_ids in to_remind.items():
            try:
                self._directory.refresh(team_id, user_ids)
            except Exception:  # noqa: BLE001 - the cached copies serve this tick instead
                log.exception("tick could not refresh people of %s", team_id, extra={"slack_team": team_id})
        with session_scope(self._engine) as session:
            report.reserved = reserve(session, plan(session, now=now), now=now)
        self.delivery.deliver(now, report)
        with session_scope(self._engine) as session:
            queries.forget_processed(session=session, before=now - KEEP_REQUEST_KEYS, limit=FORGET_AT_ONCE)
        return report
