"""``python -m bench.clashes``: the clash and load checks ``/release new`` runs, with ``--releases`` active
singles loaded, without Slack.

Seeds a scratch database with active singles spread over a year of Fridays (a few each Friday, their
deliverables owned by a pool of people), adds one more single on a busy Friday as ``/release new`` does, and
times :func:`bot.release.foresight.clashes.check` for it: wall time (best of ``--rounds``) and SQL statements. Prints
JSON. ``--database-url`` defaults to a SQLite file in a temporary folder; a PostgreSQL database is emptied first.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import text

from bench import results
from bench.counting import Statements
from bot.release.calendar import Calendar
from bot.release.foresight import clashes
from bot.release.playbooks import load_playbooks, plan_deliverables
from storage import queries
from storage.db import make_engine, migrate, session_scope
from storage.models import Deliverable, Release

TEAM = "T0RELEASE"
FIRST_FRIDAY = date(2027, 1, 8)
TODAY = date(2026, 12, 1)
PEOPLE = [f"U{n:07d}" for n in range(40)]
PMS = PEOPLE[:8]


def single(team_id: str, n: int, day: date, playbook, calendar: Calendar) -> tuple[Release, list[Deliverable]]:
    release = Release(team_id=team_id, title=f"Single {n}", artist=f"Artist {n % 150}", release_date=day,
                      playbook="single", pm_id=PMS[n % len(PMS)], created_by=PMS[0],
                      team_members=[PEOPLE[(n + k) % len(PEOPLE)] for k in (8, 17)])  # fmt: skip
    items = [
        Deliverable(
            team_id=team_id,
            key=p.key,
            name=p.name,
            team=p.team,
            position=p.position,
            offset_days=p.offset_days,
            due_date=p.due,
            release_id=0,
        )  # fmt: skip
        for p in plan_deliverables(playbook, day, calendar)
    ]
    return release, items


def seed(engine, releases: int) -> None:
    playbook, calendar = load_playbooks()["single"], Calendar()
    with session_scope(engine) as session:
        for n in range(releases):
            release, items = single(TEAM, n, FIRST_FRIDAY + timedelta(weeks=n % 52), playbook, calendar)
            session.add(release)
            session.flush()
            for i, d in enumerate(items):
                d.release_id = release.id
                d.owner_id = PEOPLE[(n * 7 + i) % len(PEOPLE)] if i % 3 else None
            session.add_all(items)


def measure(url: str, releases: int, rounds: int) -> dict:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    seed(engine, releases)
    if engine.dialect.name == "postgresql":  # as autovacuum would have by then: plans from real statistics
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    playbook, calendar = load_playbooks()["single"], Calendar()
    statements = Statements(engine)
    best, found = None, None
    for _ in range(rounds):
        with session_scope(engine) as session:
            queries.get_or_create_workspace(session=session, team_id=TEAM)
            release, items = single(TEAM, releases, FIRST_FRIDAY + timedelta(weeks=10), playbook, calendar)
            session.add(release)
            session.flush()
            for d in items:
                d.release_id = release.id
            session.add_all(items)
            session.flush()
            statements.reset()
            started = time.perf_counter()
            found = clashes.check(session, release, items, today=TODAY)
            seconds = time.perf_counter() - started
            session.rollback()
        best = seconds if best is None else min(best, seconds)
    return {"releases": releases, "ms": round(best * 1000, 2), "statements": statements.count,
            "clashes": len(found.clashes), "overloads": len(found.overloads),
            "database": engine.dialect.name}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.clashes", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    results.add_arguments(parser)
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, url in results.database_urls(args, folder):
            f = measure(url, args.releases, args.rounds)
            lines.append(f"- {kind}: **{f['ms']} ms** (best of {args.rounds}), {f['statements']} SQL statements, "
                         f"{f['clashes']} clashing releases and {f['overloads']} overloaded weeks found")  # fmt: skip
    lines += ["", "Goal: the clash and load checks add at most 20 ms to `new`."]
    title = f"The clash and load checks of `/release new` among {args.releases} active singles"
    results.publish(args, "clashes", title, lines)


if __name__ == "__main__":
    main()
