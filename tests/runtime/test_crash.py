"""``releasebot serve`` killed or stopped with work in flight, as a crash or a deploy does it: everything it
acknowledged takes effect once, soon after the restart, and no process of it is left behind.

python -m pytest -q tests/runtime/test_crash.py -s prints the measured recovery and stop times.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from storage import inbox as stored
from storage.db import inbox_engine, session_scope
from storage.models import Deliverable, Release
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.served import Served, alive, environment

BURST = 100
KILLED_AT = 70  # acks seen when the server is killed: the rest of the burst meets a dead server
# Everything acknowledged has taken effect within this long after the restart (the goal).
RECOVERY_SECONDS = 30
# A stopped server and its worker are gone within this long, whatever Slack does meanwhile.
GONE_SECONDS = 15  # the design's bound is about 6 s (STOP_SECONDS and a poll); the rest is a loaded machine's
# One deliverable, so the release is set up in a moment (the checklist is paced at a post a second).
TINY_PLAYBOOK = """
name = "tiny"
description = "One deliverable."
min_lead_days = 7

[[deliverables]]
key = "master"
name = "Final master audio"
team = "A&R"
offset_days = -7
hard = false
after = []
description = "The master."
"""


@pytest.fixture
def env(standin, database, tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY_PLAYBOOK)
    return environment(standin, database[1], RELEASEBOT_PLAYBOOKS=str(tmp_path))


def open_tiny_release(served: Served, standin, engine) -> str:
    day = (date.today() + timedelta(days=60)).isoformat()
    created = served.command(standin, f'new "Burst" by Nova Lane on {day} playbook tiny', user=PM, channel="CG",
                             key="new")  # fmt: skip
    assert "Setting up *Burst*" in created["text"]

    def channel_id():
        with session_scope(engine) as session:
            return session.exec(select(Release.channel_id)).first()

    return standin.wait_for(channel_id, 30, "the release channel")


def added(engine) -> dict[str, int]:
    """How many deliverables carry each name."""
    with session_scope(engine) as session:
        rows = session.exec(select(Deliverable.name, func.count()).group_by(Deliverable.name)).all()
    return dict(rows)


def test_a_server_killed_during_a_burst_applies_everything_it_acknowledged_once_soon_after_restart(
    standin, database, env
):
    engine, _url = database
    served = Served(env)
    channel = open_tiny_release(served, standin, engine)
    acked, unanswered, killed_at = [], [], []
    guard = threading.Lock()

    def send(n: int) -> None:
        key = f"burst{n:03d}"
        try:
            status = served.post_command(standin, f'add "Burst {n:03d}"', user=PM, channel=channel, key=key)
        except OSError:  # the server is gone: not acknowledged
            status = None
        with guard:
            (acked if status == 200 else unanswered).append(key)
            if len(acked) == KILLED_AT and not killed_at:
                killed_at.append(time.monotonic())
                os.killpg(served.process.pid, signal.SIGKILL)  # the web process and its worker, as a crash does

    with ThreadPoolExecutor(8) as senders:
        list(senders.map(send, range(BURST)))
    served.process.wait(10)
    kept = stored.waiting(inbox_engine(engine))
    assert len(acked) >= KILLED_AT and kept > 0, "killed with acknowledged work still in the inbox"

    restarted_at = time.monotonic()
    again = Served(env)
    try:

        def recovered() -> bool:
            names = added(engine)
            return all(names.get(f"Burst {key[5:]}") for key in acked) and all(standin.responses(k) for k in acked)

        standin.wait_for(recovered, RECOVERY_SECONDS, "every acknowledged request to take effect")
        recovery = time.monotonic() - restarted_at
        print(f"\n{len(acked)} acknowledged, {kept} left in the inbox by the kill; all applied and answered "
              f"{recovery:.1f} s after the restart")  # fmt: skip
        names = added(engine)
        assert all(names[f"Burst {key[5:]}"] == 1 for key in acked), "each applied once"
        assert all(names.get(f"Burst {key[5:]}", 0) <= 1 for key in unanswered), "a request kept but not acked too"
        for key in acked:
            answers = standin.responses(key)
            assert "added" in answers[0]["text"].lower() or "Burst" in str(answers[0]), answers
            # Posted twice only when the kill came between Slack taking the answer and our record of it.
            arrivals = standin.answer_arrivals(key)
            assert len(answers) == 1 or (len(answers) == 2 and killed_at[0] - arrivals[0] < 0.5), (key, answers)
        standin.wait_for(lambda: stored.waiting(inbox_engine(engine)) == 0, 10, "the inbox to empty")
    finally:
        again.stop()


def hang(standin) -> None:
    for method in ("users.info", "conversations.create", "chat.postMessage", "chat.postEphemeral"):
        standin.slow_down(method, 120)


def refuse(standin) -> None:
    standin.fail_fraction(1.0, statuses=(429, 500))


def started(standin, database) -> Served:
    """``serve`` with its worker up (both have asked Slack who they are)."""
    served = Served(environment(standin, database[1]))
    standin.wait_for(lambda: len(standin.calls_to("auth.test", ok=True)) == 2, 30, "the worker to start")
    return served


def working(database) -> bool:
    """Whether some process holds requests it is working on."""
    return bool(stored.lease_holders(inbox_engine(database[0])))


@pytest.mark.parametrize("slack", [hang, refuse])
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_however_serve_ends_with_work_in_flight_no_process_of_it_is_left(standin, database, slack, how):
    served = started(standin, database)
    (worker,) = served.workers()
    slack(standin)
    try:
        for n, user in enumerate((ARTIST_MANAGER, DESIGNER, DISTRIBUTION)):  # people it has not looked up yet
            assert served.post_command(standin, "status", user=user, channel="CG", key=f"w{n}") == 200
        assert served.post_command(standin, 'new "Gone" by Nova Lane on 2027-09-03', user=PM, channel="CG",
                                   key="new") == 200  # fmt: skip
        standin.wait_for(lambda: working(database), 10, "the worker to take the requests up")
        stopped_at = time.monotonic()
        served.process.send_signal(how)
        served.process.wait(GONE_SECONDS)
        standin.wait_for(lambda: not alive(worker), GONE_SECONDS, "the worker to go with its web process")
        print(f"\nserve and its worker gone {time.monotonic() - stopped_at:.1f} s after {how.name}")
    finally:
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGKILL)
        if alive(worker):
            os.kill(worker, signal.SIGKILL)


def test_a_second_sigterm_ends_a_stopping_worker_at_once(standin, database):
    served = started(standin, database)
    (worker,) = served.workers()
    hang(standin)
    try:
        assert served.post_command(standin, "status", user=DESIGNER, channel="CG", key="w") == 200
        standin.wait_for(lambda: working(database), 10, "the worker to take the request up")
        os.kill(worker, signal.SIGTERM)
        time.sleep(0.2)
        os.kill(worker, signal.SIGTERM)
        standin.wait_for(lambda: not alive(worker), 1.5, "the worker to leave at the second SIGTERM")
    finally:
        served.stop()
