"""The ``releasebot`` command as an operator runs it: serve (a real process), migrate, tick, bad settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from bot.runtime.cli import WORKER_NICENESS
from storage import inbox as stored
from storage.db import inbox_engine
from tests.support import slackreq
from tests.support.people import PM
from tests.support.served import ROOT, Served, alive, children, command_line, environment, niceness


def releasebot(*args: str, env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def test_serve_carries_the_story_and_a_restart_loses_nothing(standin, database):
    _engine, url = database
    env = environment(standin, url)
    served = Served(env)
    try:
        created = served.command(standin, 'new "Night Swim" by Nova Lane on 2027-06-04', user=PM, channel="CG", key="a")
        assert "Setting up *Night Swim*" in created["text"]
        channel = standin.wait_for(lambda: standin.channel_by_name("rel-2027-06-04-nova-lane-night-swim"), 30)
        standin.wait_for(lambda: len(standin.messages(channel["id"])) >= 18, 60, "the checklist")
        claimed = served.command(standin, "claim artwork", user=PM, channel=channel["id"], key="b")
        assert "You own" in claimed["text"]
        master = next(m for m in standin.messages(channel["id"]) if "`master`" in json.dumps(m["blocks"]))
        served.event(standin, slackreq.reaction_event("white_check_mark", user=PM, channel=channel["id"],
                                                      ts=master["ts"]))  # fmt: skip
        blocked = served.command(standin, "block metadata ISRCs not issued", user=PM, channel=channel["id"], key="c")
        assert "blocked *Metadata, ISRC and credits*" in blocked["text"]
        status = served.command(standin, "status", user=PM, channel=channel["id"], key="d")
        assert "ISRCs not issued" in json.dumps(status) and "Final master audio* by" in json.dumps(status)
        moved = served.command(standin, "date 2027-06-11", user=PM, channel=channel["id"], key="e")
        assert "Deadlines that moved" in moved["text"]
        standin.wait_for(lambda: any("Your new dates" in m["text"] for m in standin.dms(PM)), 30, "the owner's DM")
    finally:
        served.stop()
    posted = len(standin.calls_to("chat.postMessage"))

    again = Served(env)
    try:
        status = again.command(standin, "status", user=PM, channel=channel["id"], key="f")
        assert "Night Swim" in json.dumps(status) and "ISRCs not issued" in json.dumps(status)
        mine = again.command(standin, "mine", user=PM, channel="CG", key="g")
        assert "Cover artwork" in json.dumps(mine)
        time.sleep(1)
        assert len(standin.calls_to("chat.postMessage")) == posted, "nothing re-posted after the restart"
    finally:
        again.stop()


def test_migrate_and_tick_commands(standin, tmp_path):
    env = environment(standin, f"sqlite:///{tmp_path / 'fresh.db'}")
    migrated = releasebot("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    ticked = releasebot("tick", "--now", "2027-01-04T09:30:00+01:00", env=env)
    assert ticked.returncode == 0, ticked.stderr
    bad = releasebot("tick", "--now", "yesterday-ish", env=env)
    assert bad.returncode == 2 and "not an ISO-8601 instant" in bad.stderr


@pytest.mark.parametrize(
    "change, message",
    [
        ({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_BOT_TOKEN": "nope"}, "SLACK_BOT_TOKEN must be a bot token"),
        ({"PORT": "http"}, "PORT"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line(standin, tmp_path, change, message):
    env = environment(standin, f"sqlite:///{tmp_path / 'x.db'}")
    for name, value in change.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    result = releasebot("serve", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"releasebot: {message}") and len(result.stderr.strip().splitlines()) == 1


def test_serve_works_in_a_worker_process_of_its_own_and_replaces_one_that_dies(standin, database):
    _engine, url = database
    served = Served(environment(standin, url))
    try:
        (worker,) = children(served.process.pid)
        assert "work" in command_line(worker), "serve answers Slack; its worker does the work"
        lowered = min(niceness(served.process.pid) + WORKER_NICENESS, 19)  # Linux stops at 19
        standin.wait_for(lambda: niceness(worker) == lowered, 30, "the worker to yield the cores to acks")
        assert "/release new" in served.command(standin, "help", user=PM, channel="CG", key="w1")["text"]
        os.kill(worker, signal.SIGKILL)
        # A child seen between its fork and its exec still shows serve's command line: wait for the worker's.
        replaced = standin.wait_for(
            lambda: [p for p in children(served.process.pid) if p != worker and "work" in command_line(p)], 30
        )
        assert "/release new" in served.command(standin, "help", user=PM, channel="CG", key="w2")["text"]
    finally:
        served.stop()
    standin.wait_for(lambda: not alive(replaced[0]), 30, "the worker to go with its web process")


def test_a_worker_told_to_stop_answers_what_it_took_or_leaves_it_free_and_exits_cleanly(standin, database):
    engine, url = database
    now = datetime.now(UTC)
    body = {"team_id": "T0RELEASE", "user_id": PM, "channel_id": "CG", "text": "help",
            "response_url": standin.response_url("kept")}  # fmt: skip
    stored.put(inbox_engine(engine), key="kept-help", kind="command", body=body, now=now, lease_until=now)
    read, write = os.pipe()
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.cli", "work", "--wake-fd", str(read)],
        env=environment(standin, url), cwd=ROOT, pass_fds=[read], stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    os.close(read)
    try:
        standin.wait_for(lambda: standin.calls_to("auth.test"), 30, "the worker to start")
        worker.send_signal(signal.SIGTERM)  # a deploy: whatever it has taken, it finishes
        assert worker.wait(30) == 0, worker.stderr.read()
        # Answered, or never taken and free for the next worker at once: not leased to a worker that is gone.
        later = datetime.now(UTC)
        free = stored.take_expired(inbox_engine(engine), now=later, lease_until=later)
        answers = standin.responses("kept")
        assert (len(answers) == 1 and "/release new" in answers[0]["text"]) != bool(free)
    finally:
        os.close(write)
        if worker.poll() is None:
            worker.kill()
