"""A local stand-in for Slack's Web API that enforces what Slack enforces.

It is a real HTTP server (slack_sdk talks to it through ``base_url``), keeps a small
world (users, channels, messages, pins, views) and answers every call the way Slack
would: required arguments and error names from Slack's method reference
(``methods.json``, distilled from ../shared/slack/methods/), Block Kit limits,
channel-name rules, ``not_in_channel``, and 429 with ``Retry-After`` when rate limits or
fault injection say so. A refused call has no side effect.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.standin.blockkit import Invalid, validate_blocks, validate_view

METHODS = json.loads((Path(__file__).parent / "methods.json").read_text())
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]+$")
TIER_PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}
MAX_TEXT = 40_000
TRIGGER_LIFETIME = 3.0


class SlackError(Exception):
    def __init__(self, error: str, **extra):
        self.error = error
        self.extra = extra


class Throttled(Exception):
    def __init__(self, status: int = 429, retry_after: int = 1):
        self.status = status
        self.retry_after = retry_after


@dataclass
class Call:
    method: str
    args: dict
    status: int
    response: dict
    at: float = field(default_factory=time.time)


class SlackStandIn:
    def __init__(self, *, team_id: str = "T0RELEASE", tokens=("xoxb-test-token",)):
        self.team_id = team_id
        self.tokens = set(tokens)
        self.bot_user = "UBOT"
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.calls: list[Call] = []
        self._responses: dict[str, list[dict]] = {}
        self._triggers: dict[str, float] = {}
        self._views: dict[str, dict] = {}
        self.home_views: dict[str, dict] = {}
        self.oauth = {"client_id": "", "client_secret": "", "codes": {}}
        self._ids = itertools.count(1000)
        self._ts = itertools.count(1)
        self._lock = threading.RLock()
        self._rate: dict | None = None
        self._buckets: dict[str, list[float]] = {}
        self._faults: tuple[float, tuple[int, ...], random.Random] | None = None
        self._fail_next: dict[str, list[dict]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/"

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # -- the world ------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str = "Europe/London",
        is_admin=False,
        is_owner=False,
        deleted=False,
        locale="en-US",
    ) -> dict:
        offset = int(datetime.now(ZoneInfo(tz)).utcoffset().total_seconds())
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": name.title(),
            "deleted": deleted,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": offset,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": False,
            "locale": locale,
            "profile": {"display_name": name, "real_name": name.title()},
        }
        self.users[user_id] = user
        return user

    def add_channel(self, name: str, *, members=(), is_private=False, channel_id: str | None = None) -> dict:
        with self._lock:
            return self._new_channel(name, members=set(members), is_private=is_private, channel_id=channel_id)

    def _new_channel(
        self, name: str, *, members: set, is_private: bool, is_im: bool = False, channel_id: str | None = None
    ) -> dict:
        prefix = "D" if is_im else ("G" if is_private else "C")
        channel = {
            "id": channel_id or f"{prefix}{next(self._ids)}",
            "name": name,
            "is_channel": not is_im,
            "is_private": is_private,
            "is_im": is_im,
            "is_archived": False,
            "created": int(time.time()),
            "creator": self.bot_user,
            "members": members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "messages": [],
            "pins": [],
        }
        self.channels[channel["id"]] = channel
        return channel

    def issue_trigger_id(self) -> str:
        trigger = f"{next(self._ids)}.{next(self._ids)}.trigger"
        self._triggers[trigger] = time.monotonic()
        return trigger

    def set_rate_limits(
        self,
        *,
        per_channel_per_sec: float = 1.0,
        burst: int = 3,
        workspace_per_minute: int | None = None,
        workspace_burst: int | None = None,
        tiers: bool = False,
    ) -> None:
        """Turn on Slack's posting limits: per channel, per workspace (token buckets), and method tiers."""
        self._rate = {
            "per_channel": per_channel_per_sec,
            "burst": burst,
            "workspace": workspace_per_minute,
            "workspace_burst": workspace_burst or burst * 3,
            "tiers": tiers,
        }

    def fail_fraction(self, share: float, *, statuses=(429, 500), seed: int = 7) -> None:
        self._faults = (share, tuple(statuses), random.Random(seed))

    def fail_next(self, method: str, *, error: str | None = None, status: int | None = None, times: int = 1):
        self._fail_next.setdefault(method, []).extend([{"error": error, "status": status}] * times)

    # -- inspection -----------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.response.get("ok") == ok)]

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    def channel_by_name(self, name: str) -> dict | None:
        return next((c for c in self.channels.values() if c["name"] == name and not c["is_im"]), None)

    def messages(self, channel_id: str) -> list[dict]:
        return list(self.channels[channel_id]["messages"]) if channel_id in self.channels else []

    def dms(self, user_id: str) -> list[dict]:
        channel = self._im_for(user_id, create=False)
        return self.messages(channel["id"]) if channel else []

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def responses(self, key: str) -> list[dict]:
        return list(self._responses.get(key, []))

    def wait_for(self, predicate, timeout: float = 5.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}; last calls: {[c.method for c in self.calls[-10:]]}")

    # -- HTTP -----------------------------------------------------------------------------------
    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/response/"):
                    status, body = standin._respond(self.path.rsplit("/", 1)[1], raw)
                    self._send(status, body, {})
                    return
                method = self.path.removeprefix("/api/")
                status, body, headers = standin._api(method, raw, self.headers)
                self._send(status, body, headers)

            def _send(self, status: int, body, headers: dict) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/html")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _respond(self, key: str, raw: bytes) -> tuple[int, object]:
        with self._lock:
            posted = self._responses.setdefault(key, [])
            if len(posted) >= 5:  # Slack: up to 5 posts per response_url
                return 404, "used_url"
            posted.append(json.loads(raw or b"{}"))
        return 200, "ok"

    def _api(self, method: str, raw: bytes, headers) -> tuple[int, object, dict]:
        args = _arguments(raw, headers.get("Content-Type", ""))
        token = (headers.get("Authorization") or "").removeprefix("Bearer ").strip() or args.pop("token", "")
        with self._lock:
            try:
                self._throttle(method, args)
                if not token:
                    raise SlackError("not_authed")
                if token not in self.tokens:
                    raise SlackError("invalid_auth")
                response = {"ok": True, **self._dispatch(method, args)}
                status, extra_headers = 200, {}
            except Throttled as throttled:
                status = throttled.status
                response = {"ok": False, "error": "ratelimited"} if status == 429 else {"ok": False}
                extra_headers = {"Retry-After": str(throttled.retry_after)} if status == 429 else {}
            except SlackError as refusal:
                response, status, extra_headers = (
                    {"ok": False, "error": refusal.error, **refusal.extra},
                    200,
                    {},
                )
            self.calls.append(Call(method, args, status, response))
        if status >= 500:
            return status, "<html>Internal Server Error</html>", extra_headers
        return status, response, extra_headers

    def _throttle(self, method: str, args: dict) -> None:
        planned = self._fail_next.get(method)
        if planned:
            failure = planned.pop(0)
            if failure["status"]:
                raise Throttled(failure["status"])
            raise SlackError(failure["error"])
        if self._faults is not None:
            share, statuses, rng = self._faults
            if rng.random() < share:
                raise Throttled(rng.choice(statuses))
        if self._rate is None:
            return
        now = time.monotonic()
        if method == "chat.postMessage":
            channel = str(args.get("channel", ""))
            self._take(f"channel:{channel}", now, per_second=self._rate["per_channel"], burst=self._rate["burst"])
            if self._rate["workspace"]:
                self._take(
                    "workspace", now, per_second=self._rate["workspace"] / 60, burst=self._rate["workspace_burst"]
                )
        elif self._rate["tiers"] and METHODS.get(method, {}).get("tier") in TIER_PER_MINUTE:
            per_minute = TIER_PER_MINUTE[METHODS[method]["tier"]]
            self._take(f"tier:{method}", now, per_second=per_minute / 60, burst=max(1, per_minute // 10))

    def _take(self, bucket: str, now: float, *, per_second: float, burst: int) -> None:
        """A token bucket: ``burst`` at once, then ``per_second``; over it, 429 and nothing happens."""
        tokens, last = self._buckets.get(bucket, [float(burst), now])
        tokens = min(float(burst), tokens + (now - last) * per_second)
        if tokens < 1:
            self._buckets[bucket] = [tokens, now]
            raise Throttled(429, retry_after=max(1, int((1 - tokens) / per_second + 0.999)))
        self._buckets[bucket] = [tokens - 1, now]

    # -- methods --------------------------------------------------------------------------------
    def _dispatch(self, method: str, args: dict) -> dict:
        spec = METHODS.get(method)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if spec is None or handler is None:
            raise SlackError("unknown_method")
        for name in spec["required"]:
            if args.get(name) in (None, ""):
                if method == "chat.postMessage" and name == "channel":
                    raise SlackError("channel_not_found")
                raise SlackError("invalid_arguments", response_metadata={"messages": [f"missing required: {name}"]})
        return handler(args)

    def _channel(self, channel_id: str, *, member: bool = True, writable: bool = False) -> dict:
        if channel_id.startswith(("U", "W")):
            return self._dm_channel(channel_id)
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        if member and not channel["is_im"] and self.bot_user not in channel["members"]:
            raise SlackError("not_in_channel")
        if writable and channel["is_archived"]:
            raise SlackError("is_archived")
        return channel

    def _dm_channel(self, user_id: str) -> dict:
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("channel_not_found")
        if user["deleted"]:
            raise SlackError("account_inactive")
        return self._im_for(user_id, create=True)

    def _im_for(self, user_id: str, *, create: bool) -> dict | None:
        found = next((c for c in self.channels.values() if c["is_im"] and c["name"] == user_id), None)
        if found is None and create:
            found = self._new_channel(user_id, members={user_id, self.bot_user}, is_private=True, is_im=True)
        return found

    def _message(self, channel: dict, ts: str) -> dict:
        found = next((m for m in channel["messages"] if m["ts"] == ts), None)
        if found is None:
            raise SlackError("message_not_found")
        return found

    def _checked_blocks(self, args: dict) -> list | None:
        blocks = args.get("blocks")
        if blocks is None:
            return None
        try:
            validate_blocks(blocks)
        except Invalid as problem:
            raise SlackError("invalid_blocks", response_metadata={"messages": [str(problem)]}) from None
        return blocks

    def _public(self, channel: dict) -> dict:
        return {
            k: (sorted(v) if isinstance(v, set) else v) for k, v in channel.items() if k not in {"messages", "pins"}
        }

    def _m_auth_test(self, _args):
        return {
            "url": "https://label.slack.com/",
            "team": "Label",
            "user": "releasebot",
            "team_id": self.team_id,
            "user_id": self.bot_user,
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def _m_conversations_create(self, args):
        name = str(args["name"])
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if not CHANNEL_NAME.match(name):
            raise SlackError("invalid_name_specials")
        if not re.search(r"[a-z0-9]", name):
            raise SlackError("invalid_name_punctuation")
        if any(c["name"] == name and not c["is_im"] for c in self.channels.values()):
            raise SlackError("name_taken")
        channel = self._new_channel(name, members={self.bot_user}, is_private=_truthy(args.get("is_private")))
        return {"channel": self._public(channel)}

    def _m_conversations_rename(self, args):
        channel = self._channel(args["channel"], writable=True)
        name = str(args["name"])
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if not CHANNEL_NAME.match(name):
            raise SlackError("invalid_name_specials")
        if any(c["name"] == name and c is not channel for c in self.channels.values()):
            raise SlackError("name_taken")
        channel["name"] = name
        return {"channel": self._public(channel)}

    def _m_conversations_invite(self, args):
        channel = self._channel(args["channel"], writable=True)
        users = [u for u in str(args["users"]).split(",") if u]
        if len(users) > 100:
            raise SlackError("too_many_users")
        for user in users:
            if user == self.bot_user:
                raise SlackError("cant_invite_self")
            if user not in self.users or self.users[user]["deleted"]:
                raise SlackError("user_not_found")
        if all(u in channel["members"] for u in users):
            raise SlackError("already_in_channel")
        channel["members"].update(users)
        return {"channel": self._public(channel)}

    def _m_conversations_join(self, args):
        channel = self._channel(args["channel"], member=False, writable=True)
        channel["members"].add(self.bot_user)
        return {"channel": self._public(channel)}

    def _m_conversations_info(self, args):
        return {"channel": self._public(self._channel(args["channel"], member=False))}

    def _m_conversations_members(self, args):
        return {"members": sorted(self._channel(args["channel"], member=False)["members"])}

    def _m_conversations_setTopic(self, args):  # noqa: N802 - Slack's method name
        channel = self._channel(args["channel"], writable=True)
        if len(str(args["topic"])) > 250:
            raise SlackError("too_long")
        channel["topic"] = {
            "value": str(args["topic"]),
            "creator": self.bot_user,
            "last_set": int(time.time()),
        }
        return {"channel": self._public(channel)}

    def _m_conversations_archive(self, args):
        channel = self._channel(args["channel"])
        if channel["is_archived"]:
            raise SlackError("already_archived")
        channel["is_archived"] = True
        return {}

    def _m_conversations_open(self, args):
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if len(users) != 1:
            raise SlackError("invalid_arguments" if not users else "not_implemented_here")
        return {"channel": {"id": self._dm_channel(users[0])["id"]}}

    def _m_chat_postMessage(self, args):  # noqa: N802
        channel = self._channel(str(args["channel"]), writable=True)
        blocks = self._checked_blocks(args)
        text = args.get("text")
        if not text and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        if text and len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        message = {
            "type": "message",
            "user": self.bot_user,
            "bot_id": "BBOT",
            "text": text or "",
            "blocks": blocks or [],
            "ts": f"{1_700_000_000 + next(self._ts)}.000100",
            "thread_ts": args.get("thread_ts"),
            "reactions": [],
        }
        channel["messages"].append(message)
        return {"channel": channel["id"], "ts": message["ts"], "message": message}

    def _m_chat_update(self, args):
        channel = self._channel(args["channel"], writable=True)
        message = self._message(channel, args["ts"])
        if message["user"] != self.bot_user:
            raise SlackError("cant_update_message")
        blocks = self._checked_blocks(args)
        if not args.get("text") and blocks is None:
            raise SlackError("no_text")
        message["text"] = args.get("text", message["text"])
        if blocks is not None:
            message["blocks"] = blocks
        return {"channel": channel["id"], "ts": message["ts"], "text": message["text"]}

    def _m_chat_delete(self, args):
        channel = self._channel(args["channel"], writable=True)
        message = self._message(channel, args["ts"])
        channel["messages"].remove(message)
        return {"channel": channel["id"], "ts": args["ts"]}

    def _m_chat_postEphemeral(self, args):  # noqa: N802
        channel = self._channel(args["channel"], writable=True)
        if args["user"] not in channel["members"]:
            raise SlackError("user_not_in_channel")
        self._checked_blocks(args)
        if not args.get("text") and not args.get("blocks"):
            raise SlackError("no_text")
        return {"message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}

    def _m_chat_getPermalink(self, args):  # noqa: N802
        channel = self._channel(args["channel"], member=False)
        self._message(channel, args["message_ts"])
        return {"channel": channel["id"], "permalink": f"https://label.slack.com/archives/{channel['id']}/p1"}

    def _m_pins_add(self, args):
        channel = self._channel(args["channel"])
        self._message(channel, args["timestamp"])
        if args["timestamp"] in channel["pins"]:
            raise SlackError("already_pinned")
        channel["pins"].append(args["timestamp"])
        return {}

    def _m_pins_remove(self, args):
        channel = self._channel(args["channel"])
        if args["timestamp"] not in channel["pins"]:
            raise SlackError("not_pinned")
        channel["pins"].remove(args["timestamp"])
        return {}

    def _reaction(self, args) -> tuple[dict, str]:
        channel = self._channel(args["channel"])
        return self._message(channel, args["timestamp"]), str(args["name"])

    def _m_reactions_add(self, args):
        message, name = self._reaction(args)
        if name in message["reactions"]:
            raise SlackError("already_reacted")
        message["reactions"].append(name)
        return {}

    def _m_reactions_remove(self, args):
        message, name = self._reaction(args)
        if name not in message["reactions"]:
            raise SlackError("no_reaction")
        message["reactions"].remove(name)
        return {}

    def _m_users_info(self, args):
        user = self.users.get(args["user"])
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _m_users_lookupByEmail(self, args):  # noqa: N802
        user = next((u for u in self.users.values() if f"{u['name']}@label.test" == args["email"]), None)
        if user is None:
            raise SlackError("users_not_found")
        return {"user": user}

    def _view(self, args, *, home: bool = False) -> dict:
        view = args["view"]
        try:
            validate_view(view)
        except Invalid as problem:
            raise SlackError("invalid_arguments", response_metadata={"messages": [str(problem)]}) from None
        if home != (view["type"] == "home"):
            raise SlackError("invalid_arguments")
        view_id = f"V{next(self._ids)}"
        stored = {**view, "id": view_id, "hash": f"{next(self._ids)}.hash"}
        self._views[view_id] = stored
        return stored

    def _m_views_open(self, args):
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        issued = self._triggers.pop(trigger, None) if trigger else None
        if trigger is None:
            raise SlackError("invalid_arguments")
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if time.monotonic() - issued > TRIGGER_LIFETIME:
            raise SlackError("expired_trigger_id")
        return {"view": self._view(args)}

    def _m_views_push(self, args):
        return self._m_views_open(args)

    def _m_views_update(self, args):
        if args.get("view_id") not in self._views and not args.get("external_id"):
            raise SlackError("not_found")
        stored = self._view(args)
        return {"view": stored}

    def _m_views_publish(self, args):
        if args["user_id"] not in self.users:
            raise SlackError("user_not_found")
        stored = self._view(args, home=True)
        self.home_views[args["user_id"]] = stored
        return {"view": stored}

    def _m_oauth_v2_access(self, args):
        if args.get("client_id") != self.oauth["client_id"]:
            raise SlackError("invalid_client_id")
        if args.get("client_secret") != self.oauth["client_secret"]:
            raise SlackError("bad_client_secret")
        grant = self.oauth["codes"].pop(args["code"], None)
        if grant is None:
            raise SlackError("invalid_code")
        return grant


def _truthy(value) -> bool:
    return value in (True, "true", "1", 1)


def _arguments(raw: bytes, content_type: str) -> dict:
    """Form or JSON bodies; ``blocks`` and ``view`` may arrive as JSON strings inside forms."""
    if "json" in content_type:
        args = json.loads(raw or b"{}")
    else:
        args = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
    for name in ("blocks", "view", "attachments"):
        if isinstance(args.get(name), str):
            try:
                args[name] = json.loads(args[name])
            except ValueError:
                args[name] = {"type": "not valid JSON"}  # fails validation like Slack's invalid_blocks
    return args
