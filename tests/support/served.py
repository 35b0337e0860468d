"""``releasebot serve`` as an operator runs it: a real process, with its worker, on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support import slackreq
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, TEAM

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(standin, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RELEASEBOT_", "DATABASE_URL"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.base_url,
        "DATABASE_URL": database_url,
        "RELEASEBOT_SCHEDULER": "off",
        **extra,
    }
    return env


class Served:
    """``releasebot serve`` in a process group of its own (so a test can kill it and its worker at once);
    what it logs goes to a file, read when it fails to come up."""

    def __init__(self, env: dict):
        self.port = free_port()
        self._log = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.runtime.cli", "serve"],
            env=env | {"PORT": str(self.port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            text=True,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"releasebot serve did not come up: {self.log()}")

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read()

    def post_command(self, standin, text: str, *, user: str, channel: str, key: str) -> int:
        """Send a signed command answering on ``standin.response_url(key)``; the HTTP status of its ack."""
        body = slackreq.slash_command_body(
            text, user_id=user, channel_id=channel, channel_name="x", team_id=TEAM,
            response_url=standin.response_url(key), trigger_id=f"trigger-{key}",
        )  # fmt: skip
        headers = slackreq.sign(body, SIGNING_SECRET) | {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, raw = slackreq.post(self.url + "/slack/events", body, headers)
        assert status != 200 or not raw, "acknowledged at once, answered on the response_url"
        return status

    def command(self, standin, text: str, *, user: str, channel: str, key: str) -> dict:
        """Send a command and wait for its answer (the first after a start waits for the worker to start too,
        seconds on a busy machine)."""
        assert self.post_command(standin, text, user=user, channel=channel, key=key) == 200
        return standin.wait_for(lambda: standin.responses(key), 30, f"the answer to {text}")[0]

    def event(self, standin, inner: dict) -> None:
        body = slackreq.event_body(inner, team_id=TEAM, event_id=f"Ev{time.monotonic_ns()}")
        headers = slackreq.sign(body, SIGNING_SECRET) | {"Content-Type": "application/json"}
        status, _, _ = slackreq.post(self.url + "/slack/events", body, headers)
        assert status == 200

    def workers(self) -> list[int]:
        """The worker processes serve has started (a child seen between its fork and its exec still shows
        serve's command line, so only those running ``work`` count)."""
        return [pid for pid in children(self.process.pid) if "work" in command_line(pid)]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


def children(pid: int) -> list[int]:
    """Child processes started by any of ``pid``'s threads (Linux lists them per thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[16])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
