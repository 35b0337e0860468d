"""The ``releasebot`` command: serve, run, migrate, tick, demo-data, manifest.

Configuration and logging are set up here, once, and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from bot.runtime.config import MULTIPROCESS_DIR, Config, ConfigError, load_config
from bot.runtime.stopping import Stop, die_with_parent, leave_now
from storage.db import make_engine, migrate

log = logging.getLogger("releasebot")

# The worker runs below the web process's priority: an ack is what Slack times, and a worker woken by
# that very ack would otherwise take the core from it halfway through (measured: README, Measured speed).
# Ten, not the lowest: when the cores are saturated, the work still gets about a tenth of them.
WORKER_NICENESS = 10
# A stopping process is gone within STOP_SECONDS: work under way may finish for CUT_WAITS_AFTER, then every
# wait for Slack (backoff, Retry-After, pacing) is cut short, and what is still running is left to its lease.
STOP_SECONDS = 5.0
CUT_WAITS_AFTER = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="releasebot", description="Release coordination for record labels, in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve HTTP on $PORT (POST /slack/events, GET /healthz, GET /metrics)")
    sub.add_parser("run", help="Socket Mode when SLACK_APP_TOKEN is set, otherwise serve")
    work = sub.add_parser("work", help="the worker `serve` starts for itself (not run by hand)")
    work.add_argument("--wake-fd", type=int, required=True, help="the pipe `serve` wakes it through")
    sub.add_parser("migrate", help="bring the database schema up to date")
    tick = sub.add_parser("tick", help="run one scheduler tick and exit (cron, Heroku Scheduler, tests)")
    tick.add_argument("--now", type=_instant, help="the instant to tick at, ISO-8601 (default: now)")
    demo = sub.add_parser("demo-data", help="fill the configured database with realistic demo releases")
    demo.add_argument("--releases", type=int, default=20, help="how many active releases (default 20)")
    demo.add_argument("--team", default="T0RELEASE", help="the Slack team id to file them under")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON) to create or update the app")
    manifest.add_argument("--url", type=_public_url, help="where the bot is served (HTTP mode); omit for Socket Mode")
    args = parser.parse_args(argv)
    if args.command == "manifest":
        return _manifest(args.url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        if args.command == "migrate":
            return _migrate()
        if args.command == "demo-data":
            return _demo_data(args.releases, args.team)
        settings = load_config()
    except ConfigError as error:
        print(f"releasebot: {error}", file=sys.stderr)
        return 2
    if args.command == "tick":
        return _tick(settings, args.now)
    if args.command == "work":
        return _work(settings, args.wake_fd)
    if args.command == "run" and settings.slack_app_token is not None:
        return _socket_mode(settings)
    return _serve(settings)


def _database_url() -> str:
    """Commands that only touch the database need no Slack credentials."""
    return os.environ.get("DATABASE_URL") or Config.model_fields["database_url"].default


def _migrate() -> int:
    migrate(make_engine(_database_url()))
    log.info("database schema is up to date")
    return 0


def _demo_data(releases: int, team_id: str) -> int:
    from bot.release.playbooks import load_playbooks
    from bot.runtime import demo

    engine = make_engine(_database_url())
    migrate(engine)
    counts = demo.fill(engine, load_playbooks(), releases=releases, team_id=team_id, today=datetime.now(UTC).date())
    print(", ".join(f"{n} {name}" for name, n in counts.items()))
    return 0


def _public_url(text: str) -> str:
    if not text.startswith("https://"):
        raise argparse.ArgumentTypeError(
            f"Slack only calls https:// addresses: {text} (e.g. https://releasebot.example.com)"
        )
    return text


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text} (e.g. 2027-03-01T09:30:00+01:00)") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _start(settings: Config, *, schedule: bool = True, hand_off=None, sleep=time.sleep):
    """The app and its runtime, waiting for Slack with ``sleep``; with ``hand_off``, a web process whose
    worker does the rest."""
    from bot.runtime import timer
    from bot.runtime.app import build_app
    from messages import render

    engine = make_engine(settings.database_url)
    migrate(engine)
    app, runtime = build_app(settings, engine, hand_off=hand_off, sleep=sleep)
    if hand_off is not None:
        return app, runtime, engine
    render.preload()
    runtime.followup.reconcile()
    runtime.inbox.resume()
    if schedule and settings.releasebot_scheduler == "on":
        timer.start(runtime.ticker, runtime.followup, runtime.inbox, clock=runtime.clock)
    return app, runtime, engine


def _tick(settings: Config, now: datetime | None) -> int:
    from bot.runtime.timer import run_tick

    _app, runtime, _engine = _start(settings, schedule=False)
    run_tick(runtime.ticker, runtime.followup, runtime.inbox, now or datetime.now(UTC))
    runtime.inbox.shutdown()
    runtime.background.wait_idle(timeout=600)
    runtime.background.shutdown()
    return 0


def _serve(settings: Config) -> int:
    """The web process: answers Slack until SIGTERM or SIGINT, then stops its worker and leaves (a second
    signal leaves at once). The worker goes with it however it ends: it is told by its closed pipe, and on
    Linux by the kernel when this process dies."""
    with _metrics_shared_with_the_worker():
        code = _serve_with_a_worker(settings)
    leave_now(code)
    return code


def _serve_with_a_worker(settings: Config) -> int:
    from bot.runtime.server import make_server
    from bot.runtime.worker import Worker

    stop = Stop().install()
    worker = Worker()
    app, runtime, engine = _start(settings, hand_off=worker.wake, sleep=stop.sleep)
    worker.start()
    server = make_server(
        app,
        engine,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        inbox=runtime.inbox,
        health_max_age=settings.releasebot_health_max_age,
        port=settings.port,
        threads=settings.web_threads,
    )
    threading.Thread(target=_serve_until_stopped, args=(server, stop), name="http", daemon=True).start()
    log.info("releasebot listening on port %s", settings.port)
    stop.wait()
    log.info("releasebot stopping")
    worker.stop(timeout=STOP_SECONDS + 2)
    stop.cut_waits()
    return 0


def _serve_until_stopped(server, stop: Stop) -> None:
    try:
        server.run()
    finally:
        stop.set()  # a server that ends by itself ends the process too


@contextmanager
def _metrics_shared_with_the_worker() -> Iterator[None]:
    """prometheus-client's multiprocess mode for ``serve`` and its worker (Slack calls and ticks are counted
    there, scraped here): a fresh private folder, removed at the end, unless the operator chose one in
    PROMETHEUS_MULTIPROC_DIR (then keeping it clean between runs is theirs). The library picks its mode
    when first imported, so this comes before anything imports it."""
    if os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess folder was set")
    folder = tempfile.mkdtemp(prefix="releasebot-metrics-")
    os.environ[MULTIPROCESS_DIR] = folder  # the worker inherits it
    try:
        yield
    finally:
        del os.environ[MULTIPROCESS_DIR]
        shutil.rmtree(folder, ignore_errors=True)


def _work(settings: Config, wake_fd: int) -> int:
    """The worker ``serve`` starts: works until its web process goes (its pipe closes, or on Linux the kernel
    sends SIGHUP when it dies) or SIGTERM or SIGINT comes; then gives back what it has not started and
    leaves within STOP_SECONDS (a second signal: at once)."""
    from bot.runtime.worker import work_forever

    die_with_parent()
    stop = Stop().install()
    os.nice(WORKER_NICENESS)
    _app, runtime, _engine = _start(settings, sleep=stop.sleep)
    code = 0
    try:
        work_forever(runtime.inbox, wake_fd, stop)
    except Exception:
        log.exception("the worker failed; its web process starts another")
        code = 1
    stop.set()
    _wind_down(runtime, stop)
    leave_now(code)
    return code


def _wind_down(runtime, stop: Stop) -> None:
    """Give back what has not started, let what is under way finish for a moment, then cut every wait for
    Slack short; whatever is still running when STOP_SECONDS are up is left to its lease."""
    log.info("the worker is stopping")
    started = time.monotonic()

    def until(seconds: float) -> float:
        return max(0.0, started + seconds - time.monotonic())

    runtime.inbox.shutdown(give_back=True, timeout=CUT_WAITS_AFTER)
    runtime.background.wait_idle(until(CUT_WAITS_AFTER))
    stop.cut_waits()
    finished = runtime.inbox.wait_idle(until(STOP_SECONDS)) and runtime.background.wait_idle(until(STOP_SECONDS))
    log.info("the worker stops%s", "" if finished else ", leaving what is still running to its leases")


def _socket_mode(settings: Config) -> int:
    from bot.runtime.server import socket_mode_handler

    if settings.multi_workspace:
        print("releasebot: installing in several workspaces needs HTTP (`releasebot serve`); unset SLACK_APP_TOKEN",
              file=sys.stderr)  # fmt: skip
        return 2
    app, runtime, _engine = _start(settings)
    log.info("releasebot connecting in Socket Mode")
    try:
        socket_mode_handler(app, settings.slack_app_token.get_secret_value()).start()
    finally:
        runtime.inbox.shutdown(give_back=True)
        runtime.background.shutdown()
    return 0


def _manifest(url: str | None) -> int:
    from bot.runtime.manifest import manifest

    print(json.dumps(manifest(url), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
