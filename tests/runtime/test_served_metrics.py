"""/metrics under ``releasebot serve``: the web process counts requests, its worker counts Slack's errors and
ticks, and one scrape of the web process shows both; the folder they share is gone when serve stops."""

from __future__ import annotations

import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.runtime.test_cli import Served, environment
from tests.support.people import PM


def samples(url: str) -> dict[tuple, float]:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_one_scrape_adds_up_the_web_process_and_its_worker(standin, database, tmp_path):
    _engine, url = database
    # The worker ticks at once when it starts; the channel's topic is refused once, as Slack may.
    env = environment(standin, url, RELEASEBOT_SCHEDULER="on", TMPDIR=str(tmp_path))
    standin.fail_next("conversations.setTopic", error="too_long")
    served = Served(env)
    try:
        ticked = ("releasebot_tick_duration_seconds_count", ())
        standin.wait_for(lambda: samples(served.url).get(ticked), 60, "the worker's first tick, in the web's scrape")
        created = served.command(standin, 'new "Night Swim" by Nova Lane on 2027-06-04', user=PM, channel="CG", key="a")
        assert "Setting up *Night Swim*" in created["text"]
        refused = ("releasebot_slack_errors_total", (("error", "too_long"), ("method", "conversations.setTopic")))
        seen = standin.wait_for(lambda: (found := samples(served.url)).get(refused) and found, 30, "the refusal")
        assert seen[refused] == 1, "counted by the worker, which set the topic"
        assert seen[("releasebot_requests_total", (("kind", "command"),))] == 1, "counted by the web process"
        assert list(tmp_path.glob("releasebot-metrics-*")), "serve keeps its counts in a private folder"
        channel = standin.channel_by_name("rel-2027-06-04-nova-lane-night-swim")
        standin.wait_for(lambda: len(standin.messages(channel["id"])) >= 18, 60, "the checklist, before stopping")
    finally:
        served.stop()
    assert not list(tmp_path.glob("releasebot-metrics-*")), "and removes it when it stops"
