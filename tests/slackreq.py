"""Requests exactly as Slack sends them (see ../shared/slack/payloads/README.md), signed with a test secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request


def sign(body: bytes | str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """``X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`` and its timestamp."""
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command_body(
    text: str,
    *,
    user_id: str,
    channel_id: str,
    channel_name: str,
    team_id: str,
    response_url: str,
    trigger_id: str,
    command: str = "/release",
    user_name: str = "someone",
    team_domain: str = "label",
    api_app_id: str = "A0RELEASE",
) -> str:
    """The form body, with the fields of slash_commands/bolt_python.form.txt in the same order."""
    fields = [
        ("token", "verification-token"),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id),
    ]
    return urllib.parse.urlencode(fields)


def event_body(inner: dict, *, team_id: str, event_id: str, api_app_id: str = "A0RELEASE") -> str:
    """An ``event_callback`` envelope shaped like events/reaction_added.bolt_python_with_authorizations.json."""
    return json.dumps(
        {
            "token": "verification-token",
            "team_id": team_id,
            "enterprise_id": None,
            "api_app_id": api_app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{event_id}",
        }
    )


def interactivity_body(payload: dict) -> str:
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def reaction_event(name: str, *, user: str, channel: str, ts: str, added: bool = True) -> dict:
    """The inner event, shaped like events/inner/reaction_added.docs_example.json."""
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": name,
        "item_user": "UBOT",
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def post(url: str, body: str | bytes, headers: dict[str, str]) -> tuple[int, dict, str]:
    """POST and return (status, headers, body text), also for non-2xx answers."""
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
