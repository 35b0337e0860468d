"""The benchmark runs end to end on a tiny data set (its figures are for the README, not for tests)."""

import subprocess
import sys
from pathlib import Path

from sqlmodel import func, select

from bot.release.playbooks import load_playbooks
from bot.runtime import demo
from storage.db import session_scope
from storage.models import Deliverable, Release

ROOT = Path(__file__).parents[2]


def test_demo_data_fills_a_realistic_label(database):
    engine, _url = database
    from datetime import date

    counts = demo.fill(engine, load_playbooks(), releases=12, today=date(2027, 1, 4))
    assert counts["releases"] == 12 and counts["deliverables"] > 12 * 15
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Release)).one() == 12
        states = set(session.exec(select(Deliverable.state)).all())
        owners = session.exec(select(func.count()).select_from(Deliverable).where(Deliverable.owner_id != None)).one()  # noqa: E711
    assert states <= {"open", "done"} and owners > 0


def test_bench_runs_on_a_tiny_data_set(tmp_path):
    output = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--releases", "3", "--requests", "4", "--rounds", "2", "--concurrency", "1,2",
         "--databases", "sqlite", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    report = output.read_text()
    assert "| 2 | claim |" in report and "Tick:" in report and "0 lost, 0 duplicates" in report
    assert "over 2 rounds of 4 requests" in report and "Keeping a request in the inbox" in report
    assert "already reserved (0 new)" in report, "the next minute's tick reserves nothing twice"
