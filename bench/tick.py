"""One tick's cost, in a process of its own so peak RSS is the tick's: compute time, SQL statements, memory.

``python -m bench.tick --database-url URL --now ISO`` prints JSON. Slack is not involved: this measures
deciding and reserving (plan + reserve), which is what grows with the label's size.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from bench.counting import Statements
from bot.release.planning import plan, reserve
from messages import render
from storage.db import make_engine, session_scope
from storage.models import Outbox, Release


def measure(url: str, now: datetime) -> dict:
    engine = make_engine(url)
    statements = Statements(engine)
    # As every process that ticks does at start: a tick in a running worker finds its templates compiled.
    render.preload()
    started = time.perf_counter()
    with session_scope(engine) as session:
        planned = plan(session, now=now)
        claimed = reserve(session, planned, now=now)
    seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        releases = session.exec(select(func.count()).select_from(Release)).one()
        standups = session.exec(select(func.count()).select_from(Outbox).where(Outbox.kind == "standup")).one()
    return {
        "seconds": round(seconds, 3),
        "statements": statements.count,
        "releases": releases,
        "standups": standups,
        "messages": claimed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    args = parser.parse_args()
    print(json.dumps(measure(args.database_url, args.now)))


if __name__ == "__main__":
    main()
