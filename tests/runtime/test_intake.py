"""Acknowledge first, work after: commands and reactions are kept in the inbox before their ack, and
nothing acknowledged is lost, done twice or left half-done when a process stops or work fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, timedelta

from sqlmodel import col, func, select

from bot.release import deliverables, dispatch
from bot.runtime import holders, intake
from bot.runtime.stopping import Stopping
from storage import inbox as stored
from storage.db import inbox_engine, session_scope
from storage.models import Activity, Blocker, Deliverable, ProcessedEvent
from tests.support.harness import BotUnderTest
from tests.support.people import DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, checklist, item, open_release


def activity(bot, action: str) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Activity).where(Activity.action == action)).one()


class Held:
    """``function``, held at its start until the test lets it go: ``started`` says it has been reached."""

    def __init__(self, function):
        self.function, self.started, self.go_on = function, threading.Event(), threading.Event()
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append(args)
        self.started.set()
        assert self.go_on.wait(10)
        return self.function(*args, **kwargs)


def test_the_ack_waits_for_nothing_and_the_answer_follows_on_the_response_url(bot, standin, monkeypatch):
    deciding = Held(dispatch.run)
    monkeypatch.setattr(dispatch, "run", deciding)
    monkeypatch.setattr(bot.runtime.inbox, "wait_idle", lambda timeout=30.0: True)  # send, don't wait
    reply = bot.command("help", user=PM)
    assert reply.status == 200 and reply.ack == {}, "acknowledged, empty, while the work has not finished"
    assert deciding.started.wait(5) and standin.responses(reply.response_key) == []
    deciding.go_on.set()
    assert "/release new" in reply.text


def test_what_a_stopped_process_accepted_is_done_by_the_next_once_its_lease_runs_out(
    bot, standin, database, clock, monkeypatch
):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    artwork_ts = checklist(standin, channel_id)["artwork"]["ts"]
    # The process dies right after its acks: the requests are kept, their work never starts.
    monkeypatch.setattr(bot.runtime.inbox, "_submit", lambda item: None)
    claimed = bot.command("claim master", user=DISTRIBUTION, **room)
    status, _, _ = bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=artwork_ts)
    assert claimed.status == status == 200 and bot.runtime.inbox.waiting() == 2
    _status, _headers, health = bot.get("/healthz")
    assert json.loads(health) == {"ok": True, "inbox": 2}, "an operator sees the requests waiting"
    bot.stop()

    engine, url = database
    again = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=url).start()
    try:
        assert again.runtime.inbox.resume() == 0, "within its lease the request still belongs to its process"
        clock.advance(minutes=6)
        assert again.runtime.inbox.resume() == 2
        again.settle()
        assert item(again, "master").owner_id == DISTRIBUTION and item(again, "artwork").state == "done"
        (answer,) = standin.responses(claimed.response_key)
        assert "You own" in answer["text"]
        assert again.runtime.inbox.waiting() == 0 and again.runtime.inbox.resume() == 0
    finally:
        again.stop()


def test_work_committed_just_before_a_stop_is_not_done_again(bot, standin, clock):
    channel_id, _ = open_release(bot, standin)
    blocked = bot.command("block metadata ISRCs not issued", user=PM, channel=channel_id, channel_name=CHANNEL)
    assert "ISRCs not issued" in blocked.text
    bot.settle()
    # Its row survived (the process stopped between the commit and the removal): resumed, it changes nothing.
    key = _keys_of_processed_commands(bot)[-1]
    body = {"team_id": "T0RELEASE", "user_id": PM, "channel_id": channel_id, "text": "block metadata ISRCs not issued",
            "response_url": standin.response_url(blocked.response_key)}  # fmt: skip
    stored.put(bot.runtime.inbox._engine, key=key, kind="command", body=body, now=clock(), lease_until=clock())
    clock.advance(seconds=1)
    assert bot.runtime.inbox.resume() == 1
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(Blocker)).one() == 1
    assert len(standin.responses(blocked.response_key)) == 1, "and says nothing twice"


def test_slack_retrying_an_event_still_in_the_inbox_is_turned_away_at_the_door(bot, standin, monkeypatch):
    channel_id, _ = open_release(bot, standin)
    artwork_ts = checklist(standin, channel_id)["artwork"]["ts"]
    finishing = Held(deliverables.finish)
    monkeypatch.setattr(deliverables, "finish", finishing)
    done = dict(user=DESIGNER, channel=channel_id, ts=artwork_ts, event_id="EvSLOW")
    first = bot.react("white_check_mark", **done)
    assert finishing.started.wait(5)
    retried = bot.react("white_check_mark", **done, retry=1)
    assert first[0] == retried[0] == 200 and bot.runtime.inbox.waiting() == 1
    finishing.go_on.set()
    bot.settle()
    assert activity(bot, "done") == 1 and bot.runtime.inbox.waiting() == 0


def test_a_reaction_whose_work_fails_is_tried_again_at_the_next_tick(bot, standin, monkeypatch):
    channel_id, _ = open_release(bot, standin)
    artwork_ts = checklist(standin, channel_id)["artwork"]["ts"]
    monkeypatch.setattr(intake, "PAUSES", (0.0, 0.0))
    failures = iter(range(4))  # the three attempts of the first round, and the first of the second
    finish = deliverables.finish

    def flaky(*args, **kwargs):
        if next(failures, None) is not None:
            raise RuntimeError("lost the database connection")
        return finish(*args, **kwargs)

    monkeypatch.setattr(deliverables, "finish", flaky)
    bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=artwork_ts)
    bot.settle()
    assert item(bot, "artwork").state == "open" and bot.runtime.inbox.waiting() == 1, "kept, not lost"
    assert activity(bot, "done") == 0, "and nothing half-done"
    bot.clock.advance(minutes=1)
    assert bot.runtime.inbox.resume() == 1
    bot.settle()
    assert item(bot, "artwork").state == "done" and activity(bot, "done") == 1
    assert bot.runtime.inbox.waiting() == 0


def test_a_command_that_keeps_failing_says_so_once_and_leaves_nothing_behind(bot, standin, monkeypatch):
    monkeypatch.setattr(intake, "PAUSES", (0.0, 0.0))
    monkeypatch.setattr(dispatch, "run", lambda *a, **kw: 1 / 0)
    reply = bot.command("status", user=PM)
    bot.settle()
    (answer,) = standin.responses(reply.response_key)
    assert "Something went wrong on our side (reference `" in answer["text"] and "ZeroDivision" not in answer["text"]
    assert bot.runtime.inbox.waiting() == 0, "a person was told; it is not tried again behind their back"
    bot.clock.advance(minutes=10)
    assert bot.runtime.inbox.resume() == 0


def _keys_of_processed_commands(bot) -> list[str]:
    with session_scope(bot.engine) as session:
        rows = session.exec(select(ProcessedEvent).order_by(ProcessedEvent.id)).all()
    return [row.event_id for row in rows if not row.event_id.startswith("Ev")]


def test_a_worker_process_wakes_when_woken_and_stops_when_its_web_process_goes():
    from bot.runtime.worker import work_forever

    class Counting:
        resumed = 0

        def resume(self):
            self.resumed += 1

    inbox_ = Counting()
    read, write = os.pipe()
    worker = threading.Thread(target=work_forever, args=(inbox_, read))
    worker.start()
    os.write(write, b".")
    deadline = time.monotonic() + 5
    while inbox_.resumed == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert inbox_.resumed >= 1, "woken, it takes up what was kept"
    os.close(write)
    worker.join(5)
    assert not worker.is_alive(), "the end of the pipe ends it"
    os.close(read)


def one_worker(database, clock, keys: list[str]):
    """An inbox with one worker whose work holds until the test lets it go, and ``keys`` kept, expired."""
    engine = inbox_engine(database[0])
    working_on = Held(lambda item: None)
    inbox_ = intake.Inbox(engine, clock, workers=1)
    inbox_.handles("command", intake.Kind(work=working_on))
    for key in keys:
        stored.put(engine, key=key, kind="command", body={}, now=clock(), lease_until=clock())
    clock.advance(seconds=1)
    return engine, inbox_, working_on


def test_a_stopping_worker_finishes_the_work_under_way_and_gives_back_the_rest(database, clock):
    """After a burst a worker may hold many requests; stopped, it must not work through them all (nor
    leave them leased for minutes): the next process takes them at once."""
    engine, one_at_a_time, working_on = one_worker(database, clock, ["first", "second", "third"])
    assert one_at_a_time.resume() == 3 and working_on.started.wait(5)
    stopping = threading.Thread(target=one_at_a_time.shutdown, kwargs={"give_back": True})
    stopping.start()
    deadline, taken = time.monotonic() + 10, []
    while len(taken) < 2 and time.monotonic() < deadline:  # given back while the first is still under way
        taken += stored.take_expired(engine, now=clock(), lease_until=clock() + intake.LEASE)
        time.sleep(0.01)
    assert sorted(item.key for item in taken) == ["second", "third"], "the rest is free for the next process now"
    assert stopping.is_alive(), "and the work under way is finished"
    working_on.go_on.set()
    stopping.join(10)
    assert not stopping.is_alive()
    assert stored.waiting(engine) == 2, "the first was done and removed; the others wait for whoever took them"
    engine.dispose()


def test_a_backlog_is_taken_up_a_batch_at_a_time_and_the_rest_left_to_others(database, clock, monkeypatch):
    monkeypatch.setattr(intake, "AT_ONCE", 2)
    engine, batch_of_two, working_on = one_worker(database, clock, [f"request{n}" for n in range(5)])
    assert batch_of_two.resume() == 2 and working_on.started.wait(5)
    assert batch_of_two.resume() == 0, "holding two, it takes no more"
    others = stored.take_expired(engine, now=clock(), lease_until=clock() + intake.LEASE)
    assert sorted(item.key for item in others) == ["request2", "request3", "request4"], "oldest first"
    working_on.go_on.set()
    batch_of_two.shutdown()
    assert stored.waiting(engine) == 3, "its two were done"
    engine.dispose()


def lease_of(engine, key: str) -> tuple:
    with engine.begin() as connection:
        row = connection.execute(
            select(stored.inbox.c.leased_until, stored.inbox.c.holder).where(stored.inbox.c.key == key)
        ).one()
    return row.leased_until.replace(tzinfo=UTC) if row.leased_until.tzinfo is None else row.leased_until, row.holder


def test_a_worker_keeps_the_leases_of_what_it_holds_while_the_work_runs(database, clock, monkeypatch):
    monkeypatch.setattr(intake, "RENEW_EVERY", timedelta(seconds=0.02))
    engine, busy, working_on = one_worker(database, clock, ["long", "queued"])
    try:
        assert busy.resume() == 2 and working_on.started.wait(5)
        clock.advance(seconds=intake.LEASE.total_seconds() * 3)  # long past the lease it took them with
        deadline = time.monotonic() + 5
        while lease_of(engine, "queued")[0] <= clock() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lease_of(engine, "long")[0] > clock() and lease_of(engine, "queued")[0] > clock(), "renewed"
        assert stored.take_expired(engine, now=clock(), lease_until=clock() + intake.LEASE, holder="other") == []
    finally:
        working_on.go_on.set()
        busy.shutdown()
        engine.dispose()
    assert stored.waiting(engine) == 0, "and done, each by the one process"


def test_renewing_never_takes_back_a_lease_another_process_took(database, clock):
    engine, stalled, working_on = one_worker(database, clock, ["under-way", "queued"])
    try:
        assert stalled.resume() == 2 and working_on.started.wait(5)
        clock.advance(seconds=intake.LEASE.total_seconds() + 1)  # it stalled past its lease: another takes both
        taken = stored.take_expired(engine, now=clock(), lease_until=clock() + intake.LEASE, holder="other")
        assert sorted(item.key for item in taken) == ["queued", "under-way"]
        stalled.renew_leases()
        assert lease_of(engine, "queued") == lease_of(engine, "under-way") == (clock() + intake.LEASE, "other")
        working_on.go_on.set()
        assert stalled.wait_idle(5)
        assert [args[0].key for args in working_on.calls] == ["under-way"], "what had not started is the other's"
    finally:
        working_on.go_on.set()
        stalled.shutdown()
        engine.dispose()


def test_the_requests_of_a_process_known_to_be_gone_are_taken_up_at_once(database, clock):
    engine = inbox_engine(database[0])
    crashed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        holders_by_key = {"theirs": holders.new_name(crashed.pid), "elsewhere": "another-machine/7/123/abc"}
        for key, holder in holders_by_key.items():
            stored.put(engine, key=key, kind="command", body={}, now=clock(), lease_until=clock() + intake.LEASE,
                       holder=holder)  # fmt: skip
        inbox_ = intake.Inbox(engine, clock, workers=1)
        done = []
        inbox_.handles("command", intake.Kind(work=lambda item: done.append(item.key)))
        assert inbox_.resume() == 0, "a holder that still runs keeps what it holds"
        crashed.kill()
        crashed.wait()
        assert inbox_.resume() == 1 and inbox_.wait_idle(5) and done == ["theirs"]
        assert stored.waiting(engine) == 1, "one on another machine is never taken for gone: its lease runs out"
        inbox_.shutdown()
    finally:
        crashed.kill()
        engine.dispose()


class Died(BaseException):
    """The process ends right here (as kill -9 would): nothing after it runs, nothing catches it."""


def test_an_answer_whose_work_was_committed_is_sent_once_by_the_process_that_resumes_it(
    bot, standin, database, clock, monkeypatch
):
    channel_id, _ = open_release(bot, standin)

    def dies(url, payload):
        raise Died()

    monkeypatch.setattr(bot.runtime.followup, "respond", dies)  # committed, then killed before the answer
    added = bot.command('add "Vinyl test pressing"', user=PM, channel=channel_id, channel_name=CHANNEL)
    assert item(bot, "vinyl-test-pressing") and standin.responses(added.response_key) == []
    bot.stop()

    engine, url = database
    again = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=url).start()
    try:
        clock.advance(seconds=intake.LEASE.total_seconds() + 1)
        assert again.runtime.inbox.resume() == 1
        again.settle()
        (answer,) = standin.responses(added.response_key)
        assert "Vinyl test pressing" in json.dumps(answer), "the answer saved with the work"
        with session_scope(engine) as session:
            assert session.exec(select(func.count()).select_from(Deliverable)).one() == 18, "added once"
            kept = session.exec(select(ProcessedEvent.answer).where(col(ProcessedEvent.answer).is_not(None))).all()
            assert kept == [], "and once posted, forgotten"
        clock.advance(seconds=intake.LEASE.total_seconds() + 1)
        assert again.runtime.inbox.waiting() == 0 and again.runtime.inbox.resume() == 0
    finally:
        again.stop()


def test_a_stopping_worker_gives_back_a_request_whose_answer_it_could_not_send(bot, standin, monkeypatch):
    respond = bot.runtime.followup.respond

    def cut_short(url, payload):
        raise Stopping()

    monkeypatch.setattr(bot.runtime.followup, "respond", cut_short)
    asked = bot.command("help", user=PM)
    assert standin.responses(asked.response_key) == [] and bot.runtime.inbox.waiting() == 1
    monkeypatch.setattr(bot.runtime.followup, "respond", respond)
    assert bot.runtime.inbox.resume() == 1, "free for the next process at once, not when its lease runs out"
    bot.settle()
    assert len(standin.responses(asked.response_key)) == 1
