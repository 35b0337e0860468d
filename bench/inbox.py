"""``python -m bench.inbox``: what keeping one request in the inbox costs before its ack, per database.

Prints a Markdown table (wall and CPU time per ``storage.inbox.put``, one thread, after a warm-up) for
bench/RESULTS.md. ``--postgres-url`` names a scratch database that is emptied first.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from storage import inbox
from storage.db import inbox_engine, make_engine, migrate

BODY = {
    "team_id": "T0RELEASE",
    "user_id": "UPMPAULA",
    "channel_id": "C0RELEASE",
    "command": "/release",
    "text": "claim artwork",
    "response_url": "https://hooks.slack.com/commands/T0RELEASE/1/x",
}


def measure(url: str, puts: int) -> dict:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    kept = inbox_engine(engine)

    def put_many(n: int) -> None:
        for _ in range(n):
            now = datetime.now(UTC)
            inbox.put(kept, key=uuid.uuid4().hex, kind="command", body=BODY, now=now, lease_until=now)

    put_many(200)
    wall, cpu = time.perf_counter(), time.process_time()
    put_many(puts)
    return {
        "wall_us": round((time.perf_counter() - wall) / puts * 1e6),
        "cpu_us": round((time.process_time() - cpu) / puts * 1e6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/releasebot_bench")
    parser.add_argument("--puts", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [("SQLite", measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.puts))]
    rows.append(("PostgreSQL", measure(args.postgres_url, args.puts)))
    print("| Database | wall per put | CPU per put |\n|---|---|---|")
    for name, figures in rows:
        print(f"| {name} | {figures['wall_us']} µs | {figures['cpu_us']} µs |")


if __name__ == "__main__":
    main()
