"""``python -m bench.weekly``: the label's weekly picture built without Slack (facts read, image drawn, words
written, as :func:`bot.slack.pictures.make` does before an upload) for labels of ``--releases`` active
releases: the wall time of each build and the SQL statements it sends, which must not grow with the label.

Prints its figures; it writes nothing to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import func, insert, select, text

from bench.counting import Statements
from bot.release.playbooks import load_playbooks
from bot.runtime import demo
from bot.slack import pictures
from storage.db import make_engine, migrate, session_scope
from storage.models import Activity, Deliverable, Release

TEAM = "T0RELEASE"
LABEL_CHANNEL = "CLABELOPS"
TODAY = date(2027, 3, 1)  # a Monday
MOVED_SHARE = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.weekly", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", default="100,1000", help="label sizes, comma separated")
    parser.add_argument("--database-url", default=None, help="PostgreSQL to use (its schema is replaced)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for size in (int(n) for n in args.releases.split(",")):
        figures = measure(_fresh(args.database_url), size, runs=args.runs)
        print(
            f"{size} active releases ({figures['deliverables']} deliverables): first build {figures['first']:.2f} s, "
            f"median of {args.runs} {figures['median']:.2f} s (max {figures['max']:.2f} s, "
            f"CPU {figures['cpu']:.2f} s), "
            f"{figures['statements']} SQL statements a build, {figures['rows']} rows drawn, "
            f"{figures['png_kb']} KB PNG, {figures['comment_chars']} characters of words"
        )


def _fresh(postgres_url: str | None) -> str:
    if postgres_url is None:
        return f"sqlite:///{tempfile.mkdtemp(prefix='releasebot-weekly-')}/bench.db"
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return postgres_url


def measure(url: str, releases: int, *, runs: int) -> dict:
    engine = make_engine(url)
    migrate(engine)
    counts = demo.fill(engine, load_playbooks(), releases=releases, today=TODAY)
    now = datetime.combine(TODAY, clock_time(9, 30), UTC)
    _moves(engine, now)
    statements = Statements(engine)
    times, cpu, made = [], [], None
    for _ in range(runs):
        statements.reset()
        started, used = time.perf_counter(), time.process_time()
        made = pictures.make(engine, TEAM, LABEL_CHANNEL, label_wide=True, now=now)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    engine.dispose()
    return {
        "deliverables": counts["deliverables"],
        "first": times[0],
        "median": statistics.median(times),
        "max": max(times),
        "cpu": statistics.median(cpu),
        "statements": statements.count,
        "rows": made.picture.drawn,
        "png_kb": len(made.png) // 1024,
        "comment_chars": len(made.comment),
    }


def _moves(engine, now: datetime) -> None:
    """A share of releases moved their day, and one of their due dates moved, in the last week."""
    rng = random.Random(7)
    with session_scope(engine) as session:
        releases = session.execute(select(Release.id, Release.release_date)).all()
        first = select(Deliverable.release_id, func.min(Deliverable.id)).group_by(Deliverable.release_id)
        first_items = dict(session.execute(first).all())
        rows = []
        for release_id, day in rng.sample(releases, max(1, int(len(releases) * MOVED_SHARE))):
            at = now - timedelta(days=rng.randint(1, 6))
            moved = {"before": (day - timedelta(days=7)).isoformat(), "after": day.isoformat()}
            rows.append(_activity(release_id, None, "release_moved", moved, at))
            due = {"before": (day - timedelta(days=49)).isoformat(), "after": (day - timedelta(days=42)).isoformat()}
            rows.append(_activity(release_id, first_items.get(release_id), "due_changed", due, at))
        session.execute(insert(Activity), rows)


def _activity(release_id: int, deliverable_id: int | None, action: str, detail: dict, at: datetime) -> dict:
    return {"team_id": TEAM, "release_id": release_id, "deliverable_id": deliverable_id, "actor_id": "UDEMO0003",
            "action": action, "detail": detail, "at": at}  # fmt: skip


if __name__ == "__main__":
    main()
