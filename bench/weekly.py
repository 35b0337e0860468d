"""``python -m bench.weekly``: the label's weekly picture built without Slack (facts read, image drawn, words
written, as :func:`bot.slack.pictures.make` does before an upload) for labels of ``--releases`` active
releases: the wall time of each build and the SQL statements it sends, which must not grow with the label.

On SQLite and PostgreSQL (its schema replaced); the figures go to their section of bench/RESULTS.md.
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

from bench import results
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
    parser.add_argument("--runs", type=int, default=5)
    results.add_arguments(parser)
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, url in results.database_urls(args, folder):
            for size in (int(n) for n in args.releases.split(",")):
                f = measure(_fresh(url.replace("bench.db", f"weekly-{size}.db")), size, runs=args.runs)
                lines.append(
                    f"- {kind}, {size} active releases ({f['deliverables']} deliverables): first build "
                    f"{f['first']:.2f} s, median of {args.runs} **{f['median']:.2f} s** (max {f['max']:.2f} s, "
                    f"CPU {f['cpu']:.2f} s), **{f['statements']} SQL statements** a build, {f['rows']} rows drawn, "
                    f"{f['png_kb']} KB PNG, {f['comment_chars']} characters of words"
                )
    lines += ["", "Goal: at most 2 s for 1,000 active releases, image included, in statements that do not grow."]
    results.publish(args, "weekly", "The weekly picture, built without Slack", lines)


def _fresh(url: str) -> str:
    if url.startswith("sqlite"):
        return url
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


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
