"""What an operator sees: /metrics in Prometheus' text format after real traffic, and /healthz failing
when the work has stalled or the database is gone."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import func, select

from bot.runtime.intake import Inbox
from bot.runtime.server import wsgi_app
from bot.runtime.timer import run_tick
from storage import inbox as stored
from storage.db import inbox_engine, make_engine, session_scope
from storage.models import Outbox
from tests.support import slackreq
from tests.support.harness import SIGNING_SECRET, BotUnderTest, utc
from tests.support.people import DESIGNER, PM
from tests.support.story import CHANNEL, checklist, open_release


def scrape(bot) -> dict[tuple, float]:
    """Every sample /metrics shows, by name and labels."""
    status, headers, text = bot.get("/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def delta(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_requests_slack_errors_and_ticks_and_show_the_queues(bot, standin):
    before = scrape(bot)
    channel_id, _ = open_release(bot, standin)  # a command
    bot.command("status", user=PM, channel=channel_id, channel_name=CHANNEL)  # another
    bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=checklist(standin, channel_id)["artwork"]["ts"])
    bot.post("payload=", content_type=slackreq.FORM, sign=False)  # a stranger's
    bot.settle()
    # Tuesday's standup, whose post Slack refuses for good, in the tick the scheduler runs.
    standin.fail_next("chat.postMessage", error="not_in_channel")
    run_tick(bot.runtime.ticker, bot.runtime.followup, bot.runtime.inbox, utc(2027, 1, 5, 8, 30))
    bot.settle()
    after = scrape(bot)

    assert delta(before, after, "releasebot_requests_total", kind="command") == 2
    assert delta(before, after, "releasebot_requests_total", kind="reaction_added") == 1
    assert delta(before, after, "releasebot_requests_refused_total", reason="unsigned") == 1
    assert delta(before, after, "releasebot_slack_errors_total", method="chat.postMessage", error="not_in_channel") == 1
    assert delta(before, after, "releasebot_tick_duration_seconds_count") == 1
    assert delta(before, after, "releasebot_tick_duration_seconds_sum") > 0
    assert after[("releasebot_inbox_requests", ())] == 0
    assert after[("releasebot_inbox_oldest_age_seconds", ())] == 0
    with session_scope(bot.engine) as session:
        stored_counts = dict(
            ((kind, state), count)
            for kind, state, count in session.exec(
                select(Outbox.kind, Outbox.state, func.count()).group_by(Outbox.kind, Outbox.state)
            ).all()
        )
    (failed_kind,) = [kind for kind, state in stored_counts if state == "failed"]
    assert after[("releasebot_outbox_messages", (("kind", failed_kind), ("state", "failed")))] == 1
    shown = {dict(labels)["kind"] for name, labels in after if name == "releasebot_outbox_messages"}
    assert shown == {kind for kind, state in stored_counts if state in ("pending", "failed")}


def keep_old_request(bot, age: timedelta) -> None:
    """A request kept ``age`` ago whose work never finished (its process hangs on to it)."""
    engine = inbox_engine(bot.engine)
    now = bot.clock()
    try:
        stored.put(engine, key="stuck", kind="command", body={}, now=now - age, lease_until=now + timedelta(hours=1))
    finally:
        engine.dispose()


def health(bot) -> tuple[int, dict]:
    status, _headers, body = bot.get("/healthz")
    return status, json.loads(body)


def test_healthz_fails_when_the_oldest_request_has_waited_too_long(bot):
    keep_old_request(bot, timedelta(seconds=100))
    assert health(bot) == (200, {"ok": True, "inbox": 1}), "within the default two minutes"
    bot.clock.advance(seconds=30)
    status, body = health(bot)
    assert status == 503 and body["ok"] is False and body["inbox"] == 1 and body["oldest_seconds"] == 130
    assert "waited 130 s" in body["problem"]


def test_the_health_threshold_is_a_setting(database, standin, clock):
    engine, url = database
    patient = BotUnderTest(
        standin=standin, engine=engine, clock=clock, database_url=url, settings={"releasebot_health_max_age": 600}
    ).start()
    try:
        keep_old_request(patient, timedelta(minutes=9))
        assert health(patient)[0] == 200
        clock.advance(minutes=2)
        assert health(patient)[0] == 503
    finally:
        patient.stop()


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent/folder/releasebot.db", "postgresql://postgres@127.0.0.1:1/releasebot"],
    ids=["sqlite", "postgresql"],
)
def test_healthz_and_metrics_fail_when_the_database_is_unreachable(url, clock, caplog):
    engine = make_engine(url)
    inbox = Inbox(inbox_engine(engine), clock)
    served = wsgi_app(None, engine, signing_secret=SIGNING_SECRET, inbox=inbox)

    def get(path: str) -> tuple[str, dict]:
        answered = {}
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()}
        body = b"".join(served(environ, lambda status, headers: answered.update(status=status)))
        return answered["status"], json.loads(body)

    try:
        assert get("/healthz") == (
            "503 Service Unavailable",
            {"ok": False, "problem": "the database is unreachable", "error": "OperationalError"},
        )
        assert get("/metrics") == ("503 Service Unavailable", {"error": "the database is unreachable"})
    finally:
        inbox.shutdown()
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
    assert not any(r.exc_info for r in caplog.records)
