"""A local stand-in for Slack's Web API that refuses what Slack refuses.

A real HTTP server on 127.0.0.1 (slack_sdk reaches it through ``WebClient(base_url=...)``),
holding a small workspace (state.py) and answering the methods in webapi.py and views.py the
way Slack does: HTTP 200 with ``ok: false`` and Slack's error name, 429 with ``Retry-After``
when a rate limit or an injected fault says so, a 5xx HTML page for injected outages. Tests
arrange the world, inject trouble and inspect every call through :class:`SlackStandIn`.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.standin import files, views  # noqa: F401 - views registers views.* and oauth.v2.access
from tests.support.standin.blockkit import Invalid, check_blocks
from tests.support.standin.limits import Faults, RateLimiter, RateLimits, Refusal, refusal_for
from tests.support.standin.state import SlackError, Unsupported, World
from tests.support.standin.webapi import METHODS, call

RESPONSE_URL_POSTS = 5  # "up to 5 times within 30 minutes"
RESPONSE_URL_SECONDS = 30 * 60
STOP_POLL_SECONDS = 0.02  # how often the server looks for stop(); http.server's 0.5 s would slow every test
OUTAGE_PAGE = "<html><head><title>Slack</title></head><body><h1>{status} Server Error</h1></body></html>"


@dataclass
class Call:
    """One Web API request as the stand-in saw and answered it (``args`` without the token)."""

    method: str
    args: dict
    status: int
    response: dict
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True


@dataclass
class _Answer:
    status: int
    body: dict | str | bytes
    headers: dict = field(default_factory=dict)


class SlackStandIn:
    def __init__(
        self,
        *,
        team_id: str = "T0RELEASE",
        team_name: str = "Label",
        team_domain: str = "label",
        tokens=("xoxb-test-token",),
        scopes=None,
        clock=time.monotonic,
    ):
        """``scopes``: the bot token's scopes; None skips scope checks (and grants no chat:write.public).
        ``clock``: monotonic seconds for rate limits, trigger ids and response_urls; tests may pass their own."""
        self._lock = threading.RLock()
        self._answered = threading.Condition(self._lock)  # notified at each post to a response_url
        self.world = World(
            team_id=team_id, team_name=team_name, team_domain=team_domain, tokens=tokens, scopes=scopes, clock=clock
        )
        self.team_id = team_id
        self.users, self.channels, self.home_views = self.world.users, self.world.channels, self.world.home_views
        self._calls: list[Call] = []
        self._responses: dict[str, dict] = {}
        self._limiter = RateLimiter(clock)
        self._faults = Faults()
        self._delays: dict[str, float] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/"
        self.world.file_host = f"http://127.0.0.1:{self.port}"

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(STOP_POLL_SECONDS,), name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # -- arranging the world ----------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        locale: str = "en-US",
        email: str | None = None,
    ) -> dict:
        """A person; the returned record is live (set ``deleted`` later to deactivate them)."""
        with self._lock:
            return self.world.add_user(
                user_id, name=name, tz=tz, email=email, is_admin=is_admin, is_owner=is_owner, deleted=deleted,
                locale=locale,
            )  # fmt: skip

    def add_channel(self, name: str, *, members=(), is_private: bool = False, channel_id: str | None = None) -> dict:
        """A channel someone else made: the bot is in it only if ``members`` says so. The record is live."""
        with self._lock:
            return self.world.add_channel(
                name, members=members, is_private=is_private, channel_id=channel_id, creator="USLACKBOT"
            )

    def post_as(self, user_id: str, channel_id: str, text: str, *, thread_ts: str | None = None) -> dict:
        """A message a person wrote (the bot may not edit or delete it)."""
        with self._lock:
            message = {"type": "message", "user": user_id, "text": text, "blocks": [], "ts": self.world.next_ts(),
                       "thread_ts": thread_ts, "reactions": []}  # fmt: skip
            self.world.channels[channel_id]["messages"].append(message)
            return message

    def issue_trigger_id(self) -> str:
        """A trigger id as an interaction carries it: good for one views.open/push, within 3 seconds."""
        with self._lock:
            trigger = f"{self.world.new_id('')}.{self.world.new_id('')}.{secrets.token_hex(8)}"
            self.world.triggers[trigger] = self.world.clock()
            return trigger

    def configure_oauth(self, client_id: str, client_secret: str, *, redirect_uri: str | None = None) -> None:
        with self._lock:
            self.world.oauth.update(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri)

    def share_file(
        self, user: str, channel: str, name: str, content: bytes, *, text: str = "", thread_ts: str | None = None
    ) -> tuple[dict, dict]:
        """``user`` shares a file in ``channel`` as Slack's client does: the file (as files.info shows it) and
        the message carrying it, which is what a ``message`` event with files reports."""
        with self._lock:
            entry = files.new_file(self.world, name=name, user=user, content=content)
            entry["channels"].append(channel)
            message = {
                "type": "message",
                "user": user,
                "team": self.team_id,
                "text": text,
                "files": [files.file_json(entry)],
                "upload": True,
                "ts": self.world.next_ts(),
                "thread_ts": thread_ts,
                "reactions": [],
            }
            self.world.channels[channel]["messages"].append(message)
            return files.file_json(entry), self.world.message_json(message)

    def files_shared(self, channel: str) -> list[dict]:
        """The files shared into ``channel`` (by the bot or by people), each with its bytes under ``content``."""
        with self._lock:
            return [copy.deepcopy(f) for f in self.world.files.values() if channel in f["channels"]]

    def issue_oauth_code(self, installer: str, *, scopes=("chat:write", "commands")) -> str:
        """The ``code`` Slack hands the redirect once ``installer`` approved the install (good once)."""
        with self._lock:
            code = f"{self.world.new_id('')}.{secrets.token_hex(16)}"
            self.world.oauth["grants"][code] = {"installer": installer, "scopes": list(scopes)}
            return code

    # -- trouble on purpose -----------------------------------------------------------------------
    def set_rate_limits(
        self,
        *,
        per_channel_per_sec: float = 1.0,
        burst: int = 3,
        workspace_per_minute: int | None = None,
        workspace_burst: int | None = None,
        tiers: bool = False,
    ) -> None:
        """Slack's limits: chat.postMessage per channel and (with ``workspace_per_minute``) per workspace,
        each a token bucket; with ``tiers``, each other method's tier budget per minute."""
        workspace_burst = workspace_burst or max(1, (workspace_per_minute or 0) // 60)
        with self._lock:
            self._limiter.configure(
                RateLimits(per_channel_per_sec, burst, workspace_per_minute, workspace_burst, tiers)
            )

    def clear_rate_limits(self) -> None:
        with self._lock:
            self._limiter.configure(None)

    def fail_fraction(self, share: float, *, statuses=(429, 500), seed: int = 7, methods=None) -> None:
        """Fail about ``share`` of calls (of ``methods``, default all) with one of ``statuses``, before any effect."""
        with self._lock:
            self._faults.share, self._faults.statuses = share, tuple(statuses)
            self._faults.methods = frozenset(methods) if methods is not None else None
            self._faults.rng.seed(seed)

    def slow_down(self, method: str, seconds: float) -> None:
        """Every call of ``method`` takes ``seconds`` before it is answered (other calls go on meanwhile)."""
        with self._lock:
            self._delays[method] = seconds

    def fail_next(self, method: str, *, error: str | None = None, status: int | None = None, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer ``ok: false`` with ``error``, or HTTP ``status``."""
        if (error is None) == (status is None):
            raise ValueError("give exactly one of error= or status=")
        with self._lock:
            self._faults.plan(method, Refusal(error=error) if error else refusal_for(status), times)

    # -- inspection -------------------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def messages(self, channel_id: str) -> list[dict]:
        """The channel's current messages (copies), oldest first: ts, text, blocks, user, reactions, thread_ts."""
        with self._lock:
            channel = self.world.channels.get(channel_id)
            return copy.deepcopy(channel["messages"]) if channel else []

    def ephemerals(self, channel_id: str) -> list[dict]:
        """chat.postEphemeral messages sent in the channel (user, text, blocks, ts)."""
        with self._lock:
            channel = self.world.channels.get(channel_id)
            return copy.deepcopy(channel["ephemeral"]) if channel else []

    def dms(self, user_id: str) -> list[dict]:
        with self._lock:
            channel = self.world.im_for(user_id)
            return copy.deepcopy(channel["messages"]) if channel else []

    def channel_by_name(self, name: str) -> dict | None:
        with self._lock:
            return self.world.channel_by_name(name)

    def im_for(self, user_id: str, *, create: bool = False) -> dict | None:
        with self._lock:
            return self.world.im_for(user_id, create=create)

    _im_for = im_for  # the name test_ticks.py uses

    def response_url(self, key: str) -> str:
        """A response_url for a request the test sends; it takes 5 posts within 30 minutes."""
        with self._lock:
            self._responses.setdefault(key, {"issued": self.world.clock(), "posts": []})
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def responses(self, key: str) -> list[dict]:
        """Bodies posted to ``response_url(key)``, with their replace_original / delete_original flags."""
        with self._lock:
            return copy.deepcopy(self._responses.get(key, {"posts": []})["posts"])

    def answered_at(self, key: str, *, wait: float = 0.0) -> float | None:
        """When (``time.monotonic()``) the first post to ``response_url(key)`` arrived, waiting up to ``wait``
        seconds for it; None if none has."""

        def first() -> float | None:
            arrivals = self._responses.get(key, {}).get("arrived", [])
            return arrivals[0] if arrivals else None

        with self._answered:
            self._answered.wait_for(first, timeout=wait)
            return first()

    def answer_arrivals(self, key: str) -> list[float]:
        """When (``time.monotonic()``) each post to ``response_url(key)`` arrived."""
        with self._lock:
            return list(self._responses.get(key, {}).get("arrived", []))

    def answers_posted(self) -> int:
        with self._lock:
            return sum(len(entry["posts"]) for entry in self._responses.values())

    def wait_for(self, predicate, timeout: float = 5.0, what: str = "condition"):
        """Poll ``predicate`` until it returns something truthy (and return that), or fail with recent calls."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                recent = [f"{c.method} -> {c.status} {c.response.get('error', 'ok')}" for c in self.calls[-12:]]
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; last calls: {recent}")
            time.sleep(0.02)

    # -- answering --------------------------------------------------------------------------------
    def answer(self, verb: str, path: str, query: str, body: bytes, headers) -> _Answer:
        if path.startswith("/api/"):
            return self._api(path.removeprefix("/api/"), query, body, headers)
        if path.startswith("/response/") and verb == "POST":
            return self._respond(path.removeprefix("/response/"), body)
        if path.startswith(files.UPLOAD_PATH) and verb == "POST":
            with self._lock:
                status, text = files.receive_upload(self.world, path.removeprefix(files.UPLOAD_PATH), body)
            return _Answer(status, text, {"Content-Type": "text/plain"})
        if path.startswith(files.DOWNLOAD_PATH) and verb == "GET":
            bearer = headers.get("Authorization", "")
            token = bearer.removeprefix("Bearer ").strip() if bearer.startswith("Bearer ") else ""
            with self._lock:
                status, extra, content = files.download(self.world, path, token)
            return _Answer(status, content, extra)
        if path == files.SIGN_IN_PATH:
            return _Answer(200, files.SIGN_IN_PAGE)
        return _Answer(404, "not found")

    def _api(self, method: str, query: str, body: bytes, headers) -> _Answer:
        spec = METHODS.get(method, {})
        try:
            args, token = _arguments(query, body, headers, reads_json=spec.get("json", True))
        except SlackError as refusal:
            return self._record(method, {}, _Answer(200, {"ok": False, "error": refusal.error}))
        with self._lock:
            delay = self._delays.get(method, 0.0)
        time.sleep(delay)
        with self._lock:
            try:
                self._faults.check(method)
                if not spec:
                    raise SlackError("unknown_method")
                self._limiter.admit(method, spec["tier"], self._post_key(args.get("channel")))
                if spec.get("auth") == "client":
                    args = _client_credentials(headers) | args
                elif spec.get("auth") == "app":  # an app-level token (xapp-), never a bot token
                    if token not in self.world.app_tokens:
                        raise SlackError("invalid_auth" if token else "not_authed")
                elif not token:
                    raise SlackError("not_authed")
                elif token not in self.world.tokens:
                    raise SlackError("invalid_auth")
                answer = _Answer(200, {"ok": True, **call(self.world, method, args)})
            except Refusal as refusal:
                answer = _refused(refusal)
            except SlackError as refusal:
                answer = _Answer(200, {"ok": False, "error": refusal.error, **refusal.extra})
            except Unsupported as gap:
                answer = _Answer(501, f"stand-in does not model this: {gap}")
            except Exception as bug:  # a stand-in bug: answer 500 and keep it in the record
                answer = _Answer(500, f"stand-in error: {bug!r}")
            return self._record(method, args, answer)

    def _record(self, method: str, args: dict, answer: _Answer) -> _Answer:
        response = copy.deepcopy(answer.body) if isinstance(answer.body, dict) else {"ok": False}
        with self._lock:
            self._calls.append(Call(method, copy.deepcopy(args), answer.status, response))
        return answer

    def _post_key(self, ref) -> str:
        """The conversation a chat.postMessage would land in, found without creating a DM."""
        ref = str(ref or "")
        if ref[:1] in {"U", "W"}:
            im = self.world.im_for(ref)
            return im["id"] if im else f"im:{ref}"
        channel = self.world.channels.get(ref) or self.world.channel_by_name(ref.removeprefix("#"))
        return channel["id"] if channel else ref

    def _respond(self, key: str, body: bytes) -> _Answer:
        """A post to a response_url: Slack's 5-use, 30-minute rule, and a message it can show."""
        with self._lock:
            entry = self._responses.get(key)
            if entry is None:
                return _Answer(404, "invalid_url")
            if self.world.clock() - entry["issued"] > RESPONSE_URL_SECONDS:
                return _Answer(404, "expired_url")
            if len(entry["posts"]) >= RESPONSE_URL_POSTS:
                return _Answer(404, "used_url")
            try:
                payload = json.loads(body)
            except ValueError:
                return _Answer(400, "invalid_payload")
            if not isinstance(payload, dict):
                return _Answer(400, "invalid_payload")
            if payload.get("blocks") is not None:
                try:
                    check_blocks(payload["blocks"])
                except Invalid:
                    return _Answer(400, "invalid_blocks")
            has_content = payload.get("text") or payload.get("blocks") or payload.get("attachments")
            if not has_content and not payload.get("delete_original"):
                return _Answer(400, "no_text")
            entry["posts"].append(payload)
            entry.setdefault("arrived", []).append(time.monotonic())
            self._answered.notify_all()
        return _Answer(200, "ok")


def _arguments(query: str, body: bytes, headers, *, reads_json: bool) -> tuple[dict, str]:
    """Query string plus body (form or JSON), and the token (Bearer header, else a form/query ``token``).

    Slack ignores JSON bodies on methods whose reference lacks ``json_input_supported``
    (users.info, conversations.info, ...): their arguments must come as a form or query string.
    """
    args = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        try:
            sent = json.loads(body or b"{}")
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(sent, dict):
            raise SlackError("invalid_json")
        sent.pop("token", None)  # a JSON body cannot carry the token
        if reads_json:
            args |= sent
    elif content_type.startswith("multipart/"):
        raise SlackError("invalid_form_data")  # file uploads are not modelled
    else:
        args |= {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
    token = args.pop("token", "")
    bearer = headers.get("Authorization", "")
    return args, bearer.removeprefix("Bearer ").strip() if bearer.startswith("Bearer ") else token


def _client_credentials(headers) -> dict:
    """oauth.v2.access: client_id and client_secret from HTTP Basic auth, as slack_sdk sends them."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("Basic "):
        return {}
    client_id, _, client_secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
    return {"client_id": client_id, "client_secret": client_secret}


def _refused(refusal: Refusal) -> _Answer:
    if refusal.error:
        return _Answer(200, {"ok": False, "error": refusal.error})
    if refusal.status == 429:
        return _Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(refusal.retry_after)})
    return _Answer(refusal.status, OUTAGE_PAGE.format(status=refusal.status))


def _handler_for(answerer):
    """An http.server handler that asks ``answerer.answer(method, path, query, body, headers)`` for every request."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve(b"")

        def do_POST(self) -> None:  # noqa: N802
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, body: bytes) -> None:
            url = urllib.parse.urlsplit(self.path)
            answer = answerer.answer(self.command, url.path, url.query, body, self.headers)
            is_json = isinstance(answer.body, dict)
            raw = answer.body if isinstance(answer.body, bytes) else None
            data = raw if raw is not None else (json.dumps(answer.body) if is_json else answer.body).encode()
            self.send_response(answer.status)
            if "Content-Type" not in answer.headers:
                self.send_header("Content-Type", "application/json; charset=utf-8" if is_json else "text/html")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
