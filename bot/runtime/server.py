"""Taking Slack's requests: over HTTP with waitress (a production WSGI server, not Bolt's development
server), or over a Socket Mode connection the bot opens itself.

``POST /slack/events`` takes every Slack request (commands, events, interactivity);
``GET /slack/install`` and ``/slack/oauth_redirect`` run the install flow in multi-workspace mode;
``GET /healthz`` answers for load balancers and uptime checks, with how many acknowledged requests
wait in the inbox for their work (a number that keeps growing means the work has stalled).
"""

from __future__ import annotations

import json
import logging
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.engine import Engine
from waitress.server import create_server

from bot.runtime.intake import Inbox

SLACK_PATH = "/slack/events"
# Waitress warns of its queue depth on every request that finds all its threads busy: hundreds a second
# in a burst, each formatted and written while the server's one accepting thread waits (15% of the web
# process's time at 50 clients, measured). One a minute says as much.
QUEUE_WARNING_SECONDS = 60.0


def wsgi_app(app: App, engine: Engine, inbox: Inbox | None = None):
    slack = SlackRequestHandler(app, path=SLACK_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            return _health(engine, inbox, start_response)
        return slack(environ, start_response)

    return application


def _health(engine: Engine, inbox: Inbox | None, start_response):
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        status, body = "200 OK", {"ok": True} | ({"inbox": inbox.waiting()} if inbox is not None else {})
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        status, body = "503 Service Unavailable", {"ok": False, "error": type(error).__name__}
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def make_server(
    app: App, engine: Engine, *, inbox: Inbox | None = None, host: str = "0.0.0.0", port: int = 3000, threads: int = 16
):
    """A waitress server (call ``.run()``; ``port=0`` picks a free port, read ``.effective_port``)."""
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, OnceEvery) for f in queue_log.filters):
        queue_log.addFilter(OnceEvery(QUEUE_WARNING_SECONDS))
    return create_server(wsgi_app(app, engine, inbox), host=host, port=port, threads=threads, ident="releasebot")


class OnceEvery(logging.Filter):
    """Lets one record through every ``seconds``; the next one that passes says how many were held back."""

    def __init__(self, seconds: float, clock=time.monotonic):
        super().__init__()
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._next = 0.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = self._clock()
        with self._lock:
            if now < self._next:
                self._held += 1
                return False
            self._next = now + self._seconds
            held, self._held = self._held, 0
        if held:
            record.msg = f"{record.msg} ({held} more since the last such message)"
        return True


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """Socket Mode: the same app, its requests arriving over a WebSocket (``.start()`` blocks, ``.connect()`` not)."""
    return SocketModeHandler(app, app_token)
