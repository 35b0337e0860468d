"""Taking Slack's requests: over HTTP with waitress (a production WSGI server, not Bolt's development
server), or over a Socket Mode connection the bot opens itself.

``POST /slack/events`` takes every Slack request (commands, events, interactivity), each checked at the door
(:mod:`bot.runtime.admission`) before Bolt sees it; ``GET /slack/install`` and ``/slack/oauth_redirect``
run the install flow in multi-workspace mode; ``GET /healthz`` answers for load balancers and uptime
checks (503 when the database is unreachable or the inbox's oldest request has waited too long);
``GET /metrics`` is for Prometheus (:mod:`bot.runtime.metrics`); ``GET /calendar/<token>.ics`` serves a calendar
feed (:mod:`bot.release.foresight.feeds`), 404 for a token that is unknown or revoked.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from http import HTTPStatus

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import create_server

from bot.release.foresight import feeds
from bot.runtime import admission, metrics
from bot.runtime.admission import Refused
from bot.runtime.config import HEALTH_MAX_AGE_SECONDS
from bot.runtime.intake import Inbox
from messages import ical
from storage.db import session_scope

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
# Waitress warns of its queue depth on every request that finds all its threads busy: hundreds a second
# in a burst, each formatted and written while the server's one accepting thread waits. One a minute
# says as much.
QUEUE_WARNING_SECONDS = 60.0
# Slack's requests are a few kilobytes (a large modal submission tens); anything near this is not Slack's,
# and waitress answers 413 before any of it is read into memory.
MAX_BODY_BYTES = 1024 * 1024


def wsgi_app(
    app: App,
    engine: Engine,
    *,
    signing_secret: str,
    inbox: Inbox | None = None,
    health_max_age: float = HEALTH_MAX_AGE_SECONDS,
):
    pages = SlackRequestHandler(app, path=SLACK_PATH)  # the install flow's pages, and 404 for the rest
    verifier = SignatureVerifier(signing_secret)

    def application(environ, start_response):
        route = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        if route == ("POST", SLACK_PATH):
            return _from_slack(app, verifier, environ, start_response)
        if route == ("GET", "/healthz"):
            return _health(engine, inbox, health_max_age, start_response)
        if route == ("GET", "/metrics"):
            return _metrics(engine, inbox, start_response)
        if route[0] == "GET" and (route[1] or "").startswith(feeds.FEED_PATH):
            return _calendar(engine, route[1], start_response)
        return pages(environ, start_response)

    return application


def _metrics(engine: Engine, inbox: Inbox | None, start_response):
    """The scrape; 503 when the database the queues are read from cannot be reached (/healthz says more)."""
    try:
        payload = metrics.scrape(engine, inbox.backlog() if inbox is not None else None)
    except SQLAlchemyError as error:
        log.warning("metrics: the database is unreachable: %r", error)
        return _answer(start_response, 503, json.dumps({"error": "the database is unreachable"}).encode())
    return _answer(start_response, 200, payload, metrics.CONTENT_TYPE)


def _calendar(engine: Engine, path: str, start_response):
    token = path.removeprefix(feeds.FEED_PATH).removesuffix(".ics") if path.endswith(".ics") else ""
    try:
        with session_scope(engine) as session:
            body = feeds.feed_ics(session, token, now=datetime.now(UTC))
    except SQLAlchemyError as error:
        log.warning("calendar: the database is unreachable: %r", error)
        return _answer(start_response, 503, b"the database is unreachable\n", "text/plain; charset=utf-8")
    if body is None:
        return _answer(start_response, 404, b"no such calendar\n", "text/plain; charset=utf-8")
    return _answer(start_response, 200, body, ical.CONTENT_TYPE)


def _from_slack(app: App, verifier: SignatureVerifier, environ, start_response):
    try:
        raw = _body(environ)
        if admission.is_ssl_check(raw):
            return _answer(start_response, 200, b"", "text/plain")
        headers = {name[5:].lower().replace("_", "-"): value for name, value in environ.items()
                   if name.startswith("HTTP_")} | {"content-type": environ.get("CONTENT_TYPE", "")}  # fmt: skip
        admitted = admission.admit(raw, headers, query=environ.get("QUERY_STRING", ""), verifier=verifier)
    except Refused as refusal:
        metrics.REFUSED.labels(refusal.kind).inc()
        log.warning("refused a request from %s: %s", environ.get("REMOTE_ADDR", "?"), refusal.reason)
        return _answer(start_response, refusal.status, json.dumps({"error": refusal.reason}).encode())
    metrics.REQUESTS.labels(admitted.kind).inc()
    response = app.dispatch(admitted.request)
    answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(answer.status, answer.get_headers())
    return answer.get_body()


def _body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused(400, "Content-Length is not a number") from None
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _health(engine: Engine, inbox: Inbox | None, max_age: float, start_response):
    """200 with the inbox's backlog, or 503 saying why: the database cannot be reached, or the oldest request
    kept has waited longer than ``max_age`` seconds for its work (the worker has stalled or died)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        backlog = inbox.backlog() if inbox is not None else None
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        log.warning("healthz: the database is unreachable: %r", error)
        body = {"ok": False, "problem": "the database is unreachable", "error": type(error).__name__}
        return _answer(start_response, 503, json.dumps(body).encode())
    if backlog is None:
        return _answer(start_response, 200, json.dumps({"ok": True}).encode())
    body = {"ok": True, "inbox": backlog.waiting}
    if backlog.oldest_seconds <= max_age:
        return _answer(start_response, 200, json.dumps(body).encode())
    body |= {
        "ok": False,
        "problem": f"the oldest request has waited {backlog.oldest_seconds:.0f} s for its work (at most {max_age:g})",
        "oldest_seconds": round(backlog.oldest_seconds, 1),
    }
    return _answer(start_response, 503, json.dumps(body).encode())


def _answer(start_response, status: int, payload: bytes, content_type: str = "application/json"):
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [payload]


def make_server(
    app: App,
    engine: Engine,
    *,
    signing_secret: str,
    inbox: Inbox | None = None,
    health_max_age: float = HEALTH_MAX_AGE_SECONDS,
    host: str = "0.0.0.0",
    port: int = 3000,
    threads: int = 16,
):
    """A waitress server (call ``.run()``; ``port=0`` picks a free port, read ``.effective_port``)."""
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, OnceEvery) for f in queue_log.filters):
        queue_log.addFilter(OnceEvery(QUEUE_WARNING_SECONDS))
    application = wsgi_app(app, engine, signing_secret=signing_secret, inbox=inbox, health_max_age=health_max_age)
    return create_server(
        application, host=host, port=port, threads=threads, ident="releasebot", max_request_body_size=MAX_BODY_BYTES
    )


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


class SocketModeHandler(BaseSocketModeHandler):
    """Bolt's built-in Socket Mode handler, with each envelope's payload checked as an HTTP request's body is.
    One that is malformed is acknowledged (so Slack does not send it again), logged in one line, and reaches
    nothing; Bolt's own handler would log a traceback for each and let some through to the listeners."""

    def __init__(self, app: App, app_token: str):
        self.app = app
        self.app_token = app_token
        self.client = _CheckedClient(
            app_token=app_token, logger=app.logger, web_client=app.client, proxy=app.client.proxy
        )
        self.client.socket_mode_request_listeners.append(self.handle)

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        started = time.time()
        try:
            admission.check_shape(req.payload, command=req.type == "slash_commands")
            request = admission.to_bolt(req.payload, build_headers(req) or {})
        except Refused as refusal:
            _drop(client, req.envelope_id, refusal.reason)
            return
        metrics.REQUESTS.labels(admission.kind_of(req.payload)).inc()
        send_response(client, req, self.app.dispatch(request), started)


class _CheckedClient(SocketModeClient):
    """Frames that are not JSON objects, and envelopes whose payload is not one, are dropped before the
    client's own parsing (which would log a traceback for each)."""

    def enqueue_message(self, message: str) -> None:
        try:
            frame = json.loads(message)
        except (ValueError, RecursionError):
            _drop(self, None, "the frame is not JSON")
            return
        if not isinstance(frame, dict):
            _drop(self, None, f"the frame is a JSON {type(frame).__name__}")
            return
        envelope_id = frame.get("envelope_id")
        if envelope_id is not None and not isinstance(frame.get("payload"), dict):
            _drop(self, envelope_id if isinstance(envelope_id, str) else None, "its payload is not a JSON object")
            return
        super().enqueue_message(message)


def _drop(client: SocketModeClient, envelope_id: str | None, reason: str) -> None:
    metrics.REFUSED.labels("malformed").inc()
    log.warning("socket mode: dropped an envelope: %s", reason)
    if envelope_id is not None:
        client.send_socket_mode_response(SocketModeResponse(envelope_id=envelope_id))
