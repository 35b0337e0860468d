"""``python -m bench.stats``: ``/release stats last N`` over N finished singles, without Slack.

Seeds a scratch database with ``--releases`` archived singles (every deliverable done, a third of them late,
some due dates changed after they were done, as the activity log records it), then answers ``stats last
N`` as the dispatcher does and words it: wall time (best of ``--rounds``) and SQL statements, on SQLite and
PostgreSQL (emptied first), written to its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy import text

from bench import results
from bench.counting import Statements
from bot.release import parser as c
from bot.release.calendar import Calendar
from bot.release.memory import recall
from bot.release.outcome import Request
from bot.release.playbooks import load_playbooks
from storage.db import make_engine, migrate, session_scope
from storage.models import Activity, Deliverable, DeliverableState, Release, ReleaseState

TEAM = "T0RELEASE"
PM = "UPMPAULA"
FIRST_FRIDAY = date(2022, 1, 7)


def seed(engine, releases: int) -> None:
    single = load_playbooks()["single"]
    rng = random.Random(7)
    with session_scope(engine) as session:
        for n in range(releases):
            day = FIRST_FRIDAY + timedelta(weeks=n)
            created = datetime.combine(day - timedelta(days=60), clock(9), UTC)
            release = Release(team_id=TEAM, title=f"Single {n}", artist="Nova Lane", release_date=day,
                              playbook="single", timezone="Europe/Berlin", state=ReleaseState.ARCHIVED, pm_id=PM,
                              created_by=PM, created_at=created, channel_id=f"C{n:08d}")  # fmt: skip
            session.add(release)
            session.flush()
            items = [
                Deliverable(
                    team_id=TEAM,
                    release_id=release.id,
                    key=t.key,
                    name=t.name,
                    team=t.team,
                    position=i,
                    offset_days=t.offset_days,
                    due_date=day + timedelta(days=t.offset_days),
                    state=DeliverableState.DONE,
                    done_by=PM,
                )  # fmt: skip
                for i, t in enumerate(single.deliverables)
            ]
            session.add_all(items)
            session.flush()
            log = []
            for d in items:
                late = rng.random() < 0.33
                done_at = datetime.combine(
                    d.due_date + timedelta(days=rng.randint(1, 6) if late else 0), clock(10), UTC
                )
                d.done_at = done_at
                log.append(Activity(team_id=TEAM, release_id=release.id, deliverable_id=d.id, actor_id=PM,
                                    action="done", detail={"via": "command"}, at=done_at))  # fmt: skip
                if rng.random() < 0.1:  # pinned earlier once done: judged by the date before
                    moved = {"before": d.due_date.isoformat(), "after": (d.due_date - timedelta(days=3)).isoformat()}
                    d.due_date -= timedelta(days=3)
                    later = done_at + timedelta(hours=1)
                    log.append(Activity(team_id=TEAM, release_id=release.id, deliverable_id=d.id, actor_id=PM,
                                        action="due_changed", detail=moved, at=later))  # fmt: skip
            log.append(Activity(team_id=TEAM, release_id=release.id, actor_id=PM, action="archived", detail={},
                                at=datetime.combine(day + timedelta(days=3), clock(10), UTC)))  # fmt: skip
            session.add_all(log)


def measure(url: str, releases: int, rounds: int) -> dict:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    seed(engine, releases)
    now = datetime.combine(FIRST_FRIDAY + timedelta(weeks=releases + 2), clock(9), UTC)
    request = Request(team_id=TEAM, user_id=PM, channel_id="CGENERAL", now=now)
    statements = Statements(engine)
    best = None
    for _ in range(rounds):
        statements.reset()
        started = time.perf_counter()
        with session_scope(engine) as session:
            outcome = recall.stats_command(c.Stats(releases), session=session, request=request,
                                           timezone="Europe/Berlin", calendar=Calendar())  # fmt: skip
            message = outcome.reply.worded("en")
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"releases": releases, "seconds": round(best, 3), "statements": statements.count,
            "blocks": len(message.blocks), "database": engine.dialect.name}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    results.add_arguments(parser)
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, url in results.database_urls(args, folder):
            f = measure(url, args.releases, args.rounds)
            lines.append(f"- {kind}: **{f['seconds']} s** (best of {args.rounds}), {f['statements']} SQL statements, "
                         f"{f['blocks']} blocks of answer")  # fmt: skip
    lines += ["", "Goal: at most 1 s for 200 releases, in a number of statements that does not grow with them."]
    results.publish(
        args, "stats", f"`/release stats last {args.releases}` over {args.releases} finished singles", lines
    )


if __name__ == "__main__":
    main()
