"""One writer per release's checklist, across processes: ticks in other processes (``releasebot tick`` from
cron, as the README suggests) running while a release is set up post no deliverable's message twice, with
Slack well or failing a third of the posts."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.runtime.timer import run_tick
from storage.db import make_engine, session_scope
from storage.models import Deliverable
from tests.runtime.test_cli import ROOT, Served, environment
from tests.support.people import PM
from tests.support.story import CHANNEL, NEW, checklist_posts

CHECKLIST_METHODS = {"chat.postMessage", "chat.update", "pins.add"}


@pytest.mark.parametrize("failing", [0.0, 1 / 3], ids=["slack-well", "slack-failing-a-third"])
def test_ticks_in_other_processes_during_set_up_post_each_checklist_message_once(bot, standin, database, failing):
    _engine, url = database
    standin.slow_down("chat.postMessage", 0.2)  # set-up takes seconds: the ticks start while it runs
    standin.fail_fraction(failing, statuses=(429, 500), methods=CHECKLIST_METHODS)
    bot.command(NEW, user=PM)  # answered; the channel and its checklist are set up after the answer
    ticks = [_tick(environment(standin, url)) for _ in range(2)]
    assert [process.wait(120) for process in ticks] == [0, 0]
    bot.settle()
    standin.fail_fraction(0.0)
    run_tick(bot.runtime.ticker, bot.runtime.followup, bot.runtime.inbox, datetime.now(UTC))  # finishes the rest
    bot.settle()
    assert len(standin.calls_to("conversations.create", ok=True)) == 1, "one channel"
    posted = checklist_posts(standin, standin.channel_by_name(CHANNEL)["id"])
    assert posted == _each_once(bot.engine), "every deliverable's message and the overview, each posted once"


def test_two_cron_ticks_beside_serve_post_each_checklist_message_once(standin, tmp_path):
    url = f"sqlite:///{tmp_path / 'releasebot.db'}"
    env = environment(standin, url)
    served = Served(env)
    try:
        standin.wait_for(lambda: len(standin.calls_to("auth.test")) >= 2, 30, "serve's worker to start")
        served.command(standin, NEW, user=PM, channel="CG", key="new")
        channel = standin.wait_for(lambda: standin.channel_by_name(CHANNEL), 30, "the channel")["id"]
        # serve posts about one message a second into the channel: cron ticks keep coming meanwhile.
        started_during_set_up = []
        while len(shown := checklist_posts(standin, channel)) < 18 and len(started_during_set_up) < 5:
            started_during_set_up.append(len(shown))
            pair = [_tick(env), _tick(env)]
            assert [process.wait(120) for process in pair] == [0, 0]
        standin.wait_for(lambda: len(checklist_posts(standin, channel)) >= 18, 60, "the whole checklist")
        time.sleep(1)  # anything posted twice would be posted by now
    finally:
        served.stop()
    assert started_during_set_up[0] < 17, "the ticks ran while the checklist was being posted"
    assert len(standin.calls_to("conversations.create", ok=True)) == 1, "one channel"
    engine = make_engine(url)
    assert checklist_posts(standin, channel) == _each_once(engine)
    engine.dispose()


def _each_once(engine) -> Counter:
    with session_scope(engine) as session:
        ids = session.exec(select(Deliverable.id)).all()
    assert len(ids) == 17
    return Counter({deliverable_id: 1 for deliverable_id in ids} | {"overview": 1})


def _tick(env: dict) -> subprocess.Popen:
    """``releasebot tick`` in a process of its own, as cron runs it."""
    command = [sys.executable, "-m", "bot.runtime.cli", "tick"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
