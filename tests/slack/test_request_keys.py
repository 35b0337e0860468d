"""Request keys (commands, events, clicks) are kept as long as Slack could send the request again, then the
tick forgets them, a batch at a time, so the table does not grow with every request ever answered."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from bot.runtime import tick as ticking
from storage.db import session_scope
from storage.models import ProcessedEvent
from tests.support.people import PM
from tests.support.story import tick


def _keys(bot) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(ProcessedEvent)).one()


def test_keys_older_than_two_days_are_forgotten_a_batch_at_a_time(bot, clock, monkeypatch):
    for _ in range(3):
        bot.command("help", user=PM)
    answered_at = clock()
    clock.advance(days=1)
    bot.command("mine", user=PM)
    assert _keys(bot) == 4

    tick(bot, answered_at + timedelta(days=1, hours=23))
    assert _keys(bot) == 4, "a day and 23 hours: still kept"
    monkeypatch.setattr(ticking, "FORGET_AT_ONCE", 2)
    tick(bot, answered_at + ticking.KEEP_REQUEST_KEYS + timedelta(minutes=1))
    assert _keys(bot) == 2, "two of the three old keys in this tick"
    tick(bot, answered_at + ticking.KEEP_REQUEST_KEYS + timedelta(minutes=2))
    assert _keys(bot) == 1, "the last old key in the next; the newer one stays"
