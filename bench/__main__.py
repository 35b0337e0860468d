"""``python -m bench``: Releasebot's speed at label scale, on SQLite and PostgreSQL, written to bench/RESULTS.md.

1. Ack latency: signed ``/release help`` (this server's floor for an answer), ``/release status`` (release
   channel and portfolio), ``/release claim`` and a ✅
   ``reaction_added`` over HTTP to ``releasebot serve`` at 1, 10 and 50 concurrent clients, with
   ``--releases`` active releases loaded; the same requests at the same pace against a Bolt app that
   only acks, on the same server (the framework's floor), the two taking turns for ``--rounds``. Slack's
   stand-in runs in a process of its own (bench/slack.py).
2. Tick cost: one tick producing a standup per release, and the next minute's (nothing new): compute time,
   SQL statements, peak RSS.
3. Delivery: those messages to a Slack stand-in enforcing ~1 message/s per channel and a
   workspace-wide limit (429 + Retry-After): total time against the least the limits allow.
4. The inbox's write, the one database call before every ack (bench/inbox.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import select

from bench import inbox as inbox_put
from bench.results import machine, write_bench
from bench.slack import slack_in_a_process
from bot.release.playbooks import load_playbooks
from bot.runtime import demo
from bot.slack.delivery import PICTURES, Delivery, TickReport, posts_for
from bot.slack.installs import SingleWorkspace
from bot.slack.sender import Sender
from storage.db import make_engine, migrate, session_scope
from storage.models import Deliverable, Outbox, OutboxState
from tests.support import slackreq
from tests.support.standin import SlackStandIn

ROOT = Path(__file__).parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-test-token"
TEAM = "T0RELEASE"
KINDS = ("help", "status in a release channel", "status portfolio", "claim", "✅ reaction")
INBOX_PUTS = 3000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/releasebot_bench")
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--requests", type=int, default=200, help="requests per kind, concurrency level and round")
    parser.add_argument("--rounds", type=int, default=3, help="turns ours and the floor take at each kind and level")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which requests, comma separated")
    parser.add_argument("--workspace-per-minute", type=int, default=1200, help="stand-in's workspace post limit")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    sections = []
    for database in args.databases.split(","):
        url = _fresh_database(database, args.postgres_url)
        section = run_one(database, url, args, levels)
        sections.append(section | {"inbox": inbox_put.measure(url, INBOX_PUTS)})
    report = _report(args, sections)
    write_bench(args.output, report)  # the other tools' sections stay
    print(report)


def _fresh_database(kind: str, postgres_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='releasebot-bench-')}/bench.db"
    name = postgres_url.rsplit("/", 1)[1]
    admin = create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url


def run_one(database: str, url: str, args, levels: list[int]) -> dict:
    engine = make_engine(url)
    migrate(engine)
    today = datetime.now(UTC).date()
    counts = demo.fill(engine, load_playbooks(), releases=args.releases, team_id=TEAM, today=today)
    print(f"[{database}] loaded {counts}", file=sys.stderr)
    targets = _targets(engine)
    with slack_in_a_process(TEAM) as slack:
        for person in demo.people():
            slack.add_user(person.user_id, name=person.user_id.lower(), tz=person.tz)
        for channel in {t[0] for t in targets["channels"]}:
            slack.add_channel(channel)
        env = _environment(slack.base_url(), url)
        ours, floor = _Server(env, ["-m", "bot.runtime.cli", "serve"]), _Server(env, ["-m", "bench.floor"])
        try:
            latency = {level: _measure_level(level, args, ours, floor, targets, slack) for level in levels}
        finally:
            ours.stop()
            floor.stop()
    # The tick that reserves the morning's messages, and the next minute's, which finds them all due and reserved.
    tick = _tick_cost(url, _tick_instant(today))
    tick_again = _tick_cost(url, _tick_instant(today) + timedelta(minutes=1))
    delivery = _delivery(engine, url, args.workspace_per_minute, today)
    return {
        "database": database, "counts": counts, "latency": latency,
        "tick": tick, "tick_again": tick_again, "delivery": delivery,
    }  # fmt: skip


def _targets(engine) -> dict:
    """Channels, unclaimed open deliverables to claim, and open messages to react to."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Deliverable.channel_id, Deliverable.key, Deliverable.message_ts, Deliverable.owner_id).where(
                Deliverable.state == "open"
            )
        ).all()
    rng = random.Random(3)
    unclaimed = [(c, k) for c, k, _ts, owner in rows if owner is None]
    rng.shuffle(unclaimed)
    reactable = [(c, ts) for c, _k, ts, _o in rows]
    rng.shuffle(reactable)
    return {"channels": [(c,) for c, *_ in rows], "unclaimed": unclaimed, "reactable": reactable}


def _environment(slack_url: str, url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RELEASEBOT_", "DATABASE_URL"))}
    return env | {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": url,
        "RELEASEBOT_SCHEDULER": "off",
    }


class _Server:
    """A server process on a free port, ready when /healthz (or any HTTP answer) comes back."""

    def __init__(self, env: dict, argv: list[str]):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, *argv], env=env | {"PORT": str(self.port)}, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # the floor has no /healthz, but it answered
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server {argv} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def _measure_level(level: int, args, ours: _Server, floor: _Server, targets: dict, slack) -> dict:
    """Each kind on a server that has finished the previous kind's work (answers, checklist updates, DMs,
    Home tabs), so no kind pays for another's. For commands, also when each answer arrived on its
    response_url; for every kind, how long the work after the acks ran on after the last ack (the longest
    of the rounds). The floor gets the same requests at the same pace: after each ack its client waits as
    long as ours waited for that request's answer, so both servers see the same number of requests at
    once. Its p50 with commands sent back to back is reported too: an idle machine answers its next
    request more slowly, and the pace leaves the floor's machine idle while ours works.

    Ours and the floor take turns, ``args.rounds`` times, and each one's figures pool its rounds: on a
    small machine one burst of 200 acks can run at half speed (a run of identical work measured 1× and
    3× apart), and turns spread that over both."""
    results = {}
    for kind in args.kinds.split(","):
        ours_acks, answered, floor_acks, back_to_back, drained = [], [], [], [], []
        for _round in range(args.rounds):
            requests = [_request(kind, i, targets, slack) for i in range(args.requests)]
            ours_sent = _load(ours.url, requests, level, answers=slack)
            drained.append(_drained(slack))
            # An answer can reach Slack before its ack has reached the client: no wait then.
            paces = [0.0 if answer is None else max(0.0, answer - ack) / 1000 for ack, answer in ours_sent]
            floor_sent = _load(floor.url, requests, level, paces=paces)
            floor_acks += [ack for ack, _answer in floor_sent]
            unpaced = _load(floor.url, requests, level, paces=[0.0] * len(requests)) if any(paces) else floor_sent
            back_to_back += [ack for ack, _answer in unpaced]
            ours_acks += [ack for ack, _answer in ours_sent]
            answered += [answer for _ack, answer in ours_sent if answer is not None]
        results[kind] = {
            "ours": _percentiles(ours_acks),
            "floor": _percentiles(floor_acks),
            "floor_back_to_back": _percentiles(back_to_back),
            "answered": _percentiles(answered) if answered else None,
            "drained_s": max(drained),
        }
        print(f"  c={level} {kind}: {results[kind]}", file=sys.stderr)
    return results


def _drained(slack, quiet: float = 1.0, limit: float = 300.0) -> float:
    """Seconds from now until the server's last call to Slack (or answer), once it has made none for ``quiet``."""
    started = time.perf_counter()
    seen, last_change = slack.activity(), started
    while time.perf_counter() - last_change < quiet and time.perf_counter() - started < limit:
        time.sleep(0.05)
        if (now_seen := slack.activity()) != seen:
            seen, last_change = now_seen, time.perf_counter()
    return round(last_change - started, 2)


_taken = {"claim": 0, "react": 0, "request": 0}


def _request(kind: str, i: int, targets: dict, slack) -> tuple[str | None, str, str]:
    """(response_url key, content type, body) of one request as Slack would send it (events have no key)."""
    form = "application/x-www-form-urlencoded"
    user = demo.people()[i % 14].user_id
    if kind == "✅ reaction":
        channel, ts = targets["reactable"][_taken["react"] % len(targets["reactable"])]
        _taken["react"] += 1
        event = slackreq.reaction_event("white_check_mark", user=user, channel=channel, ts=ts)
        body = slackreq.event_body(event, team_id=TEAM, event_id=f"EvBench{_taken['react']:07d}")
        return None, "application/json", body
    if kind == "claim":
        channel, key = targets["unclaimed"][_taken["claim"] % len(targets["unclaimed"])]
        _taken["claim"] += 1
        text_ = f"claim {key}"
    else:
        channel = targets["channels"][i % len(targets["channels"])][0] if kind.endswith("channel") else "CGENERAL"
        text_ = "help" if kind == "help" else "status"
    _taken["request"] += 1
    key = f"bench{_taken['request']}"
    body = slackreq.slash_command_body(
        text_, user_id=user, channel_id=channel, channel_name="bench", team_id=TEAM,
        response_url=slack.response_url(key), trigger_id=f"{_taken['request']}.bench",
    )  # fmt: skip
    return key, form, body


def _load(
    url: str, requests: list[tuple[str | None, str, str]], level: int, *, answers=None, paces: list[float] | None = None
) -> list[tuple[float, float | None]]:
    """(ack, answer) in ms of each request, ``level`` clients at a time. Each client, like a person, sends its
    next command once the last one has answered, in the ack or on its response_url (watched on ``answers``);
    or, with ``paces``, waits that many seconds after request i's ack. Events come as Slack sends them, one
    after the other's ack."""

    def one(i: int):
        key, content_type, body = requests[i]
        headers = slackreq.sign(body, SECRET) | {"Content-Type": content_type}
        started = time.monotonic()
        status, _, ack = slackreq.post(url + "/slack/events", body, headers)
        elapsed = (time.monotonic() - started) * 1000
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        if paces is not None:
            time.sleep(paces[i])
            return elapsed, None
        if not key or answers is None:
            return elapsed, None
        if ack:  # the answer came in the ack
            return elapsed, elapsed
        answered = answers.answered_at(key, 60)
        if answered is None:
            raise RuntimeError(f"{url}: no answer on the response_url within a minute")
        return elapsed, (answered - started) * 1000

    with ThreadPoolExecutor(level) as pool:
        return list(pool.map(one, range(len(requests))))


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 1),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
    }


def _tick_instant(today: date) -> datetime:
    """The next Monday at 10:00 UTC: a workday morning in every demo release's timezone."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime(monday.year, monday.month, monday.day, 10, tzinfo=UTC)


def _tick_cost(url: str, now: datetime) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.tick", "--database-url", url, "--now", now.isoformat()],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def _delivery(engine, url: str, per_minute: int, today: date) -> dict:
    """Deliver what the tick reserved through a stand-in enforcing Slack's posting limits."""
    with session_scope(engine) as session:
        rows = session.exec(select(Outbox).order_by(Outbox.id)).all()
    # The least time counts the posts the messages need: one per message in a channel, what waits for one
    # person packed into as few DMs as Slack's block limit allows (delivery's own packing).
    needed = posts_for(rows)
    per_channel: dict[str, int] = {}
    for post in needed:
        per_channel[post[0].channel] = per_channel.get(post[0].channel, 0) + 1
    burst = per_minute // 60
    with SlackStandIn(team_id=TEAM) as standin:
        for person in demo.people():
            standin.add_user(person.user_id, name=person.user_id.lower(), tz=person.tz)
        for channel in per_channel:
            if channel.startswith("C"):
                standin.add_channel(channel, members={"UBOT"}, channel_id=channel)
        standin.set_rate_limits(
            per_channel_per_sec=1.0, burst=1, workspace_per_minute=per_minute, workspace_burst=burst
        )
        delivery = Delivery(engine, Sender(SingleWorkspace(TOKEN), standin.base_url))
        started = time.perf_counter()
        report = TickReport()
        now = _tick_instant(today)
        while True:
            delivery.deliver(now, report)
            with session_scope(engine) as session:
                left = session.exec(select(Outbox).where(Outbox.state == OutboxState.PENDING)).all()
            if not left:
                break
            now = min(utc(r.next_attempt_at) for r in left)
        seconds = time.perf_counter() - started
        posted = standin.calls_to("chat.postMessage", ok=True)
        refused = len(standin.calls_to("chat.postMessage", ok=False))
        # A weekly picture is an upload shared into the channel, or into the person's DM.
        uploads = standin.calls_to("files.completeUploadExternal", ok=True)
        shared = Counter(call.args.get("channel_id") for call in uploads)
        into = {r.channel: (standin.im_for(r.channel) or {}).get("id") for r in rows if r.channel.startswith("U")}
    texts: dict[str, list[str]] = {}
    summing_up: set[str] = set()  # conversations whose ladder DM ended "…and N more": the lines it only counted
    for call in posted:
        texts.setdefault(call.args.get("channel"), []).append(call.args.get("text", ""))
        if "…and " in json.dumps(call.args.get("blocks") or [], ensure_ascii=False):
            summing_up.add(call.args.get("channel"))
    # How many posts carried each message (a DM may carry several): 1 is right, 0 lost, 2+ sent twice.
    carried = [
        shared[into.get(row.channel, row.channel)]
        if row.kind in PICTURES
        else sum(row.text in text for text in texts.get(row.channel, []))
        for row in rows
    ]
    least = max((len(needed) - burst) / (per_minute / 60), max(per_channel.values()) - 1)
    return {
        "messages": len(rows),
        "posts_needed": len(needed),
        "posted": len(posted),
        "lost": sum(1 for row, n in zip(rows, carried, strict=True) if n == 0 and not _counted(row, summing_up)),
        "counted": sum(1 for row, n in zip(rows, carried, strict=True) if n == 0 and _counted(row, summing_up)),
        "duplicates": sum(1 for n in carried if n > 1),
        "refused_429": refused,
        "seconds": round(seconds, 1),
        "least_seconds": round(least, 1),
        "ratio": round(seconds / least, 2) if least else None,
        "per_minute": per_minute,
    }


def _counted(row: Outbox, summing_up: set[str]) -> bool:
    """A line carried in a ladder DM too full to show it: the DM's "…and N more" counted it."""
    return row.state == OutboxState.CARRIED and row.channel in summing_up


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _report(args, sections: list[dict]) -> str:
    lines = [
        "# Benchmark results",
        "",
        machine(),
        "",
        f"Command: `python -m bench --releases {args.releases} --databases {args.databases} "
        f"--concurrency {args.concurrency} --requests {args.requests} --rounds {args.rounds}`",
        "",
    ]
    for s in sections:
        c = s["counts"]
        lines += [
            f"## {s['database']}: {c['releases']} active releases, {c['deliverables']} deliverables",
            "",
            f"Ack latency in ms over {args.rounds} rounds of {args.requests} requests, ours and the floor taking "
            "turns: ours and the bare Bolt floor's on the same server at the same pace (and the "
            "floor's p50 with the requests back to back); for commands, when the answer arrived on the "
            "response_url (ms after sending); and how long the work after the acks (answers, checklist updates, "
            "DMs, Home tabs) ran on after the last ack (s):",
            "",
            "| clients | request | ack p50 | ack p99 | floor p50 | floor p99 | p50 ratio | floor p50 back to back "
            "| answer p50 | answer p99 | work ran on |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for level, kinds in s["latency"].items():
            for kind, figures in kinds.items():
                ours, floor = figures["ours"], figures["floor"]
                ratio = ours["p50"] / floor["p50"] if floor["p50"] else float("nan")
                answered = figures["answered"] or {"p50": "–", "p99": "–"}
                figures_row = [level, kind, ours["p50"], ours["p99"], floor["p50"], floor["p99"], f"{ratio:.2f}",
                               figures["floor_back_to_back"]["p50"], answered["p50"], answered["p99"],
                               f"{figures['drained_s']} s"]  # fmt: skip
                lines.append("| " + " | ".join(str(x) for x in figures_row) + " |")
        t, again, d = s["tick"], s["tick_again"], s["delivery"]
        lines += [
            "",
            f"Tick: {t['messages']} messages reserved ({t['standups']} standups) in **{t['seconds']} s** of compute, "
            f"**{t['statements']} SQL statements**, peak RSS **{t['peak_rss_mb']} MB**. The next minute's tick, "
            f"which finds all of it due and already reserved ({again['messages']} new): **{again['seconds']} s**, "
            f"{again['statements']} statements, {again['peak_rss_mb']} MB.",
            "",
            f"Delivery at ~1 msg/s per channel and {d['per_minute']}/min per workspace: {d['messages']} messages "
            f"in {d['posted']} posts ({d['posts_needed']} needed: what waits for one person goes as one DM) in "
            f"**{d['seconds']} s**; the limits allow {d['least_seconds']} s at best (ratio **{d['ratio']}**); "
            f"{d['lost']} lost, {d['duplicates']} duplicates, {d['refused_429']} answered 429; "
            f'{d["counted"]} ladder lines only counted in their DM\'s "…and N more" (its 50 blocks were full).',
            "",
            f"Keeping a request in the inbox, the ack's one write (`storage.inbox.put`, one thread, "
            f"{INBOX_PUTS} puts): **{s['inbox']['wall_us']} µs** wall, **{s['inbox']['cpu_us']} µs** CPU each.",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
