"""What an operator scrapes at ``GET /metrics``, in Prometheus' text format (prometheus-client).

Requests are counted by the process that takes them, Slack's errors and ticks by the one that does the
work: under ``releasebot serve`` that is the worker, so both processes write their counts to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode, which ``serve`` sets up before the
library is imported: bot/runtime/cli.py) and a scrape adds them up. The inbox and the outbox are read from
the database at scrape time, so they are true whichever process did the work.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from bot.runtime.config import MULTIPROCESS_DIR
from storage import outbox
from storage.db import session_scope
from storage.inbox import Backlog

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("releasebot_requests", "Requests Slack sent, by kind (command, event type, payload type)", ["kind"])
REFUSED = Counter(
    "releasebot_requests_refused", "Requests refused before any listener saw them: unsigned or malformed", ["reason"]
)
SLACK_ERRORS = Counter(
    "releasebot_slack_errors", "Slack Web API calls that failed, by method and error", ["method", "error"]
)
TICK_SECONDS = Histogram(
    "releasebot_tick_duration_seconds",
    "How long a scheduler tick took (planning, reserving, delivering)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)


def scrape(engine: Engine, backlog: Backlog | None) -> bytes:
    """Every metric, in the text format: the counters of every process, and the queues as stored
    (``backlog``: the inbox's, read by the caller; the outbox is read here)."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_DIR):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(_Queues(engine, backlog))
    return generate_latest(registry)


class _ThisProcess(Collector):
    """One process serving and working (``releasebot run``, tests): its own counters, as registered."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class _Queues(Collector):
    def __init__(self, engine: Engine, backlog: Backlog | None):
        self._engine = engine
        self._backlog = backlog

    def collect(self) -> Iterator[Metric]:
        backlog = self._backlog
        if backlog is not None:
            yield GaugeMetricFamily("releasebot_inbox_requests", "Requests kept and not yet worked", backlog.waiting)
            yield GaugeMetricFamily(
                "releasebot_inbox_oldest_age_seconds",
                "How long the oldest kept request has waited",
                backlog.oldest_seconds,
            )
        messages = GaugeMetricFamily(
            "releasebot_outbox_messages",
            "Scheduled messages pending or failed for good, by kind",
            labels=["kind", "state"],
        )
        with session_scope(self._engine) as session:
            for (kind, state), count in sorted(outbox.unsent(session=session).items()):
                messages.add_metric([kind, state], count)
        yield messages
