"""Drives the real Releasebot app over HTTP, signed exactly as Slack signs, against the Web API stand-in."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.runtime.app import build_app
from bot.runtime.config import load_config
from bot.runtime.server import SLACK_PATH, make_server
from tests.support import slackreq

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0RELEASE"
_REQUEST_IDS = itertools.count(1)
# Slack stamps each click with its own time: a click sent twice (a replay) carries the same one.
_ACTION_TS = itertools.count(1)


def action_ts() -> str:
    return f"1700000000.{next(_ACTION_TS):06d}"


class Clock:
    """A settable clock: the app reads time only through it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now = self.now + timedelta(**delta)


@dataclass
class Reply:
    """A slash command's ack, and its answer: the first post to its response_url (waited for on first use)."""

    status: int
    ack: dict
    elapsed: float
    response_key: str
    standin: object

    @property
    def body(self) -> dict:
        if self.ack:
            return self.ack
        return self.standin.wait_for(lambda: self.standin.responses(self.response_key), what="the command's answer")[0]

    @property
    def text(self) -> str:
        """All the words of the reply: fallback text plus every block's text."""
        parts = [self.body.get("text", "")]
        for block in self.body.get("blocks", []):
            parts.append(json.dumps(block, ensure_ascii=False))
        return "\n".join(parts)

    @property
    def public(self) -> bool:
        return self.body.get("response_type") == "in_channel"


@dataclass
class BotUnderTest:
    """The app served by waitress on a free port, plus helpers to talk to it like Slack does."""

    standin: object
    engine: object
    clock: Clock
    database_url: str
    server: object = None
    runtime: object = None
    app: object = None
    url: str = ""
    # Settings on top of the single-workspace defaults (the OAuth tests replace the bot token).
    settings: dict = field(default_factory=dict)
    # The seconds Slack's client was asked to sleep (each 429's Retry-After): recorded, never waited out.
    waits: list[float] = field(default_factory=list)
    # Shared by every bot a test starts (a restarted one too): each command's response_url is its own.
    _ids: itertools.count = field(default_factory=lambda: _REQUEST_IDS)
    _closing: threading.Event = field(default_factory=threading.Event)

    def start(self) -> BotUnderTest:
        settings = load_config(
            **{
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_api_url": self.standin.base_url,
                "database_url": self.database_url,
                "releasebot_admins": "",
            }
            | self.settings
        )
        self.app, self.runtime = build_app(
            settings, self.engine, clock=self.clock, post_interval=0.0, sleep=self.waits.append
        )
        self.server = make_server(
            self.app,
            self.engine,
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            inbox=self.runtime.inbox,
            health_max_age=settings.releasebot_health_max_age,
            host="127.0.0.1",
            port=0,
            threads=8,
        )
        threading.Thread(target=self._serve, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        return self

    def stop(self) -> None:
        if self.runtime is not None:
            self.settle()
            self.runtime.inbox.shutdown()
            self.runtime.background.shutdown()
        if self.server is not None:
            self._closing.set()
            self.server.close()
            self.server.task_dispatcher.shutdown()  # its threads, and the inbox connections they hold

    def _serve(self) -> None:
        """Waitress's loop, until :meth:`stop` closes its sockets under it (its select may then fail)."""
        try:
            self.server.run()
        except OSError:
            if not self._closing.is_set():
                raise

    # -- requests, as Slack sends them ---------------------------------------------------------
    def post(self, body: str, *, content_type: str, headers: dict | None = None, sign: bool = True) -> tuple:
        sent = dict(headers or {})
        if sign:
            sent |= slackreq.sign(body, SIGNING_SECRET)
        sent["Content-Type"] = content_type
        return slackreq.post(self.url + SLACK_PATH, body, sent)

    def command(
        self,
        text: str,
        *,
        user: str,
        channel: str = "CGENERAL",
        channel_name: str = "general",
        team: str = TEAM,
        trigger_id: str | None = None,
    ) -> Reply:
        """A signed slash command; ``trigger_id`` (from the stand-in) when the answer may open a form."""
        key = f"cmd{next(self._ids)}"
        body = slackreq.slash_command_body(
            text,
            user_id=user,
            channel_id=channel,
            channel_name=channel_name,
            team_id=team,
            response_url=self.standin.response_url(key),
            trigger_id=trigger_id or f"trigger-{key}",
        )
        started = time.perf_counter()
        status, _headers, raw = self.post(body, content_type="application/x-www-form-urlencoded")
        elapsed = time.perf_counter() - started
        # Like a person, who types the next command once this one has answered (its follow-ups may still run).
        assert self.runtime.inbox.wait_idle(), "the command's work did not finish"
        return Reply(status, json.loads(raw) if raw else {}, elapsed, key, self.standin)

    def event(self, inner: dict, *, event_id: str | None = None, retry: int | None = None, team: str = TEAM) -> tuple:
        body = slackreq.event_body(inner, team_id=team, event_id=event_id or f"Ev{next(self._ids):08d}")
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(body, content_type="application/json", headers=headers)

    def react(self, name: str, *, user: str, channel: str, ts: str, added: bool = True, **kw) -> tuple:
        return self.event(slackreq.reaction_event(name, user=user, channel=channel, ts=ts, added=added), **kw)

    def interact(self, payload: dict) -> tuple:
        return self.post(slackreq.interactivity_body(payload), content_type="application/x-www-form-urlencoded")

    def get(self, path: str, *, headers: dict | None = None) -> tuple:
        """A browser's GET (the install page and OAuth redirect): status, headers, body."""
        return slackreq.get(self.url + path, headers or {})

    def settle(self) -> None:
        """Wait for the work done after acks (channel set-up, checklist updates, DMs)."""
        assert self.runtime.inbox.wait_idle(), "work on what Slack sent did not finish"
        assert self.runtime.background.wait_idle(), "background work did not finish"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def buttons(blocks: list[dict]) -> list[tuple[str, dict]]:
    """Every button in ``blocks`` (accessories and actions rows) with its block's id."""
    found = []
    for i, block in enumerate(blocks):
        block_id = block.get("block_id", f"b{i}")
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        found += [(block_id, e) for e in elements if e.get("type") == "button"]
    return found


def button_click(
    surface: dict,
    action_id: str,
    *,
    user: str,
    channel: str | None = None,
    response_url: str | None = None,
    index: int = 0,
) -> dict:
    """A ``block_actions`` payload for the ``index``-th ``action_id`` button on a message (with ``channel``
    and ``response_url``) or on a published Home view (without), shaped like payloads/interactivity/."""
    block_id, element = [(b, e) for b, e in buttons(surface.get("blocks", [])) if e["action_id"] == action_id][index]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
        "trigger_id": "111.222.trigger",
        "team": {"id": TEAM, "domain": "label"},
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": element["text"],
                "value": element["value"],
                "type": "button",
                "action_ts": action_ts(),
            }
        ],
    }
    if channel is None:  # the App Home: block_actions.home_tab_button.java_sdk.raw.json
        payload["container"] = {"type": "view", "view_id": surface.get("id", "V0HOME")}
        payload["view"] = surface
        return payload
    payload["container"] = {
        "type": "message",
        "message_ts": surface["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    payload["channel"] = {"id": channel, "name": "directmessage" if channel.startswith("D") else "release"}
    payload["message"] = surface
    payload["response_url"] = response_url
    return payload


def view_submission(view: dict, user: str, values: dict) -> dict:
    """A ``view_submission`` of ``view`` with Slack's ``state.values`` (block id → action id → state),
    shaped like payloads/interactivity/view_submission.bolt_python.json."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "label"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
        "trigger_id": "111.222.valid",
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
    }
