"""Requests exactly as Slack sends them, signed the way Slack signs them.

Shapes follow the recorded payloads in tests/payloads/ (see its README for each file's source):
slash commands as slash_commands/bolt_python.form.txt, event envelopes as
events/reaction_added.bolt_python_with_authorizations.json plus the fields current docs add,
inner reaction events as events/inner/reaction_added.docs_example.json.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(body: bytes | str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's headers for ``body``: ``v0=`` hex HMAC-SHA256 of ``v0:{timestamp}:{body}``, and its Content-Type."""
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {
        "Content-Type": JSON if raw.lstrip().startswith(b"{") else FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


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
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    token: str = "verification-token",
) -> str:
    """The form body, fields in bolt_python.form.txt's order.

    enterprise_id and enterprise_name come only from Enterprise Grid workspaces (that fixture is
    one); a plain workspace's command, like docs_signing_example.form.txt, has neither.
    """
    fields = [
        ("token", token),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name),
        ("command", command),
        ("text", text),
    ]
    if enterprise_id is not None:
        fields += [("enterprise_id", enterprise_id), ("enterprise_name", enterprise_name or "")]
    fields += [("response_url", response_url), ("trigger_id", trigger_id)]
    return urllib.parse.urlencode(fields)


def event_body(
    inner_event: dict,
    *,
    team_id: str,
    event_id: str | None = None,
    api_app_id: str = "A0RELEASE",
    bot_user_id: str = "UBOT",
    token: str = "verification-token",
) -> str:
    """An ``event_callback`` envelope around ``inner_event`` (a plain workspace: no enterprise_id).

    ``event_id`` is fresh unless given; pass the same one to replay a retry.
    """
    channel = inner_event.get("channel") or inner_event.get("item", {}).get("channel", "")
    envelope = {
        "token": token,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": inner_event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"1-{inner_event['type']}-{team_id}-{channel}",  # as in message.bolt_python_org_app.json
    }
    return json.dumps(envelope)


def interactivity_body(payload: dict) -> str:
    """``payload=`` and the URL-encoded JSON, as Slack posts block_actions and view_submission."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def reaction_event(name: str, *, user: str, channel: str, ts: str, added: bool = True, item_user: str = "UBOT") -> dict:
    """A reaction_added (or reaction_removed) inner event on the message at ``channel``/``ts``."""
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": name,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def post(url: str, body: str | bytes, headers: dict[str, str]) -> tuple[int, dict, str]:
    """POST and return (status, headers, body text), also for non-2xx answers."""
    data = body.encode() if isinstance(body, str) else body
    return _send(urllib.request.urlopen, urllib.request.Request(url, data=data, headers=headers, method="POST"))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


_BROWSER = urllib.request.build_opener(_NoRedirects)


def get(url: str, headers: dict[str, str]) -> tuple[int, dict, str]:
    """GET as a browser would, without following redirects: (status, headers, body text)."""
    return _send(_BROWSER.open, urllib.request.Request(url, headers=headers, method="GET"))


def _send(open_url, request: urllib.request.Request) -> tuple[int, dict, str]:
    try:
        with open_url(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
