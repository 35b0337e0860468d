"""The label simulation runs on a short span and counts what Slack received (its figures are for
bench/RESULTS.md, not for tests)."""

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from bench import results, simulate, tally

ROOT = Path(__file__).parents[2]
ROW = re.compile(r"^\| (\w+) \([\w ]+\) \| (\d{4}-W\d\d) \|" + r" (\d+) \|" * 6 + "$", re.M)


@pytest.fixture
def run(database):
    """Monday to Friday of the label, on the test database."""
    engine, url = database
    return simulate.simulate(engine, url, start=date(2026, 12, 7), days=5, seed=3)


def test_a_short_span_counts_what_slack_received(run):
    report = tally.report(run, command="test", people=simulate.EVERYONE, database="test")
    rows = {(name, week): [int(n) for n in numbers] for name, week, *numbers in ROW.findall(report)}
    assert set(rows) == {(m.name, "2026-W50") for m in simulate.EVERYONE}
    for member in simulate.EVERYONE:
        dms, mentions, digests, escalations, premature, late = rows[member.name, "2026-W50"]
        # Every message in a person's DM with the bot is one DM, and nothing else is.
        assert dms == len(run.standin.dms(member.user_id)), member.name
        assert escalations >= premature >= 0 and escalations >= late >= 0
        assert escalations >= digests >= 0 and digests <= 5, "at most one digest a working day"
        assert mentions >= 0
    assert sum(r[1] for r in rows.values()) > 0, "standups and answers name people"
    assert sum(r[0] for r in rows.values()) > 0, "owners get their morning DMs"
    # What the outbox says it sent to a channel is what the channel holds, message for message.
    to_channels = [(row.channel, row.text) for row in run.sent if row.channel[:1] in "CG"]
    posted = {(post.channel, post.text) for post in run.posts if post.dm_to is None}
    assert to_channels and set(to_channels) <= posted
    assert run.figures.kinds["standup", "channel"] > 0, "each release channel gets its morning standup"
    assert run.actions["ticks"] == 5 * 48 and run.actions["commands"] > 0
    # The album is created after this span; the releases created in it have items due before creation.
    assert [r["title"] for r in run.releases] == ["Glasshouse", "Salt Lines", "Night Bus", "Harbour Lights"]
    assert run.late_at_creation


def test_an_escalated_item_with_its_overdue_notice_counts_as_premature():
    days = simulate.working_days(date(2026, 12, 7))
    at = [tally.utc(datetime(2026, 12, day, 10)) for day in (14, 15, 18, 21)]
    sent = [
        tally.Sent("ladder-overdue", "CREL", "late", at[0], 1),
        tally.Sent("escalations", "USIMLENA", "escalated", at[0], None, (1,)),  # with its overdue notice
        tally.Sent("ladder-overdue", "CREL", "late", at[0], 2),
        # A working day after item 2's notice; item 3 never had one.
        tally.Sent("escalations", "USIMLENA", "escalated", at[1], None, (2, 3)),
        tally.Sent("escalations", "USIMLENA", "escalated", at[3], None, (2, 4)),
        tally.Sent("ladder-overdue", "CREL", "late", at[3], 4),  # came with it, though sent after it
        # Blocked on its overdue day, so no overdue notice: its PM heard of the blocker the working day before.
        tally.Sent("ladder-blocked-2", "UPM", "still blocked", at[2], 5),
        tally.Sent("escalations", "USIMLENA", "escalated", at[3], None, (5,)),
        tally.Sent("ladder-overdue", "USIMPAULA", "late, in her ladder DM", at[0], 1, carried=True),
    ]
    figures = tally.count([], sent, people={"USIMLENA": "Europe/Berlin"}, days=days, late_at_creation={2})
    assert sum(figures.digests.values()) == 4 and sum(figures.escalations.values()) == 6
    assert sum(figures.premature.values()) == 3 and sum(figures.late_at_creation.values()) == 2
    assert figures.kinds["escalations", "DM"] == 4
    assert figures.kinds["ladder-overdue", "line in a DM"] == 1 and figures.kinds["ladder-overdue", "channel"] == 3


def test_the_command_writes_its_section_and_the_bench_keeps_it(tmp_path):
    output = tmp_path / "RESULTS.md"
    output.write_text("# Benchmark results\n\nbench figures\n")
    command = [sys.executable, "-m", "bench.simulate", "--weeks", "0.15", "--output", str(output)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    written = output.read_text()
    begin, end = results.begin("simulation"), results.end("simulation")
    assert written.startswith("# Benchmark results\n\nbench figures\n\n" + begin)
    assert "| paula (Berlin) | 2026-W50 |" in written and "**all**" in written
    # The next run replaces the section instead of adding one.
    results.write_section(output, "simulation", "## the next run")
    assert output.read_text() == f"# Benchmark results\n\nbench figures\n\n{begin}\n## the next run\n{end}\n"
    # python -m bench rewrites the file from its own figures and keeps the section as it stands.
    results.write_bench(output, "# Benchmark results\n\nnew figures\n")
    assert output.read_text() == f"# Benchmark results\n\nnew figures\n\n{begin}\n## the next run\n{end}\n"


def test_each_tool_rewrites_its_own_section_and_keeps_the_others(tmp_path):
    output = tmp_path / "RESULTS.md"
    results.write_bench(output, "# Benchmark results\n\nbench figures\n")
    results.write_section(output, "stats", "## stats, first")
    results.write_section(output, "weekly", "## weekly")
    results.write_section(output, "stats", "## stats, again")
    results.write_bench(output, "# Benchmark results\n\nnew figures\n")
    written = output.read_text()
    stats, weekly = written.index("## stats, again"), written.index("## weekly")
    assert written.startswith("# Benchmark results\n\nnew figures\n\n") and stats < weekly
    assert "first" not in written and written.count(results.begin("stats")) == 1
