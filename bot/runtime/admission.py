"""What a request must be before Bolt sees it: signed by Slack within the last five minutes, UTF-8, and of
the shape its listeners read. Anything else is refused (:class:`Refused`: 401 unsigned, 400 malformed)
before it can reach a listener or the inbox, so a stranger, a fuzzer or a broken proxy costs one log line.

The body is parsed here, strictly, and Bolt is handed the result: Bolt's own parser treats any form body
containing the word "payload" as an interactivity payload, which turned ``/release add payload docs`` into
an empty request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, Field, ValidationError
from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

# Seconds since the epoch have ten digits until 2286; a longer "number" is not a timestamp.
TIMESTAMP_DIGITS = 12
# How much of a signature names a request (hex digits): far beyond any chance of two requests sharing it,
# and short enough for the key columns it is kept in.
KEY_DIGITS = 48


class Refused(Exception):
    """A request turned away at the door: its HTTP status and a few words for the log (never its body)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason

    @property
    def kind(self) -> str:
        """For counting: a request that is not Slack's, or one of Slack's that is broken."""
        return "unsigned" if self.status == 401 else "malformed"


def admit(raw: bytes, headers: Mapping[str, str], *, query: str, verifier: SignatureVerifier) -> Admitted:
    """The request Bolt is to handle, or :class:`Refused` (``headers``: lower-case names, one value each)."""
    text = verify(verifier, raw, headers)
    body = parse(text, headers.get("content-type", ""))
    return Admitted(to_bolt(body, headers, query=query), kind_of(body))


def to_bolt(body: dict[str, Any], headers: Mapping[str, str | list[str]], *, query: str = "") -> BoltRequest:
    """A checked body as Bolt's request (HTTP requests are verified by :func:`verify`, not again by Bolt)."""
    try:
        # Bolt's "socket_mode" takes the body already parsed, and skips its signature check.
        return BoltRequest(body=body, query=query, headers=dict(headers), mode="socket_mode")
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
        # Bolt looks for the team, user and channel wherever any kind of request keeps them.
        raise Refused(400, f"its team, user or channel ids are malformed ({type(error).__name__})") from None


@dataclass(frozen=True)
class Admitted:
    request: BoltRequest
    kind: str


def verify(verifier: SignatureVerifier, raw: bytes, headers: Mapping[str, str]) -> str:
    """The body's text once Slack's signature over it holds, checked before anything parses it (slack_sdk's
    verifier reads the body as UTF-8, so a body that is not is refused first)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        raise Refused(401, "unsigned")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= TIMESTAMP_DIGITS):
        raise Refused(401, "X-Slack-Request-Timestamp is not a number")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8") from None
    if not verifier.is_valid(text, timestamp, signature):
        raise Refused(401, "bad signature or a timestamp more than five minutes off")
    return text


def is_ssl_check(raw: bytes) -> bool:
    """Slack's certificate probe of a slash command URL: ``ssl_check=1`` (and a token), unsigned, answered
    with an empty 200 and handed to nothing."""
    try:
        fields = dict(parse_qsl(raw.decode(), strict_parsing=True))
    except ValueError:  # UnicodeDecodeError included
        return False
    return fields.get("ssl_check") == "1"


def parse(text: str, content_type: str) -> dict[str, Any]:
    """The request as the listeners read it: a JSON body (events), a form's ``payload`` (interactivity) or
    the form itself (slash commands), checked against the shape its kind must have."""
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json":
        command, body = False, _object(text, "the body")
    elif media == "application/x-www-form-urlencoded":
        try:
            fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict"))
        except ValueError:
            raise Refused(400, "the form body is not URL-encoded UTF-8") from None
        command = "payload" not in fields
        body = fields if command else _object(fields["payload"], "payload")
    else:
        raise Refused(400, f"content type {media or '(none)'} is neither JSON nor a form")
    check_shape(body, command=command)
    return body


def check_shape(body: dict[str, Any], *, command: bool) -> None:
    """A slash command has its fields; any other request says what it is in ``type``, and the kinds
    Releasebot listens to have the fields it reads (others go to Bolt, which answers them)."""
    if command:
        _checked(body, Command, "command")
        return
    kind = body.get("type")
    if not isinstance(kind, str):
        raise Refused(400, "the request has no type")
    if kind in SHAPES:
        _checked(body, SHAPES[kind], kind)


def kind_of(body: dict[str, Any]) -> str:
    """What a parsed request is, for counting: ``command``, an event's type, or the payload's type."""
    if "type" not in body:
        return "command"
    if body["type"] == "event_callback":
        return body["event"]["type"]
    return body["type"]


def request_key(request: BoltRequest) -> str | None:
    """A signed request's own identity. Its signature covers its timestamp and its body, so the same request
    sent again (a replay inside the five minutes a signature is accepted) has the same key and no other
    request ever has it. None without a signature (Socket Mode, where nobody else can send)."""
    signature = request.headers.get("x-slack-signature", [""])[0].removeprefix("v0=")
    timestamp = request.headers.get("x-slack-request-timestamp", [""])[0]
    if not signature:
        return None
    return f"{timestamp}:{signature[:KEY_DIGITS]}"


def _object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is {_JSON_NAMES[type(value)]}, not a JSON object")
    return value


# What json.loads makes of anything but an object.
_JSON_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
               type(None): "null"}  # fmt: skip


def _checked(body: dict[str, Any], shape: type[BaseModel], kind: str) -> None:
    try:
        shape.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the request"
        raise Refused(400, f"{kind}: {where}: {first['msg'].lower()}") from None


# The fields the listeners (handlers/) and Bolt's routing read, per kind; everything else may vary.
class Named(BaseModel):
    id: str


class Typed(BaseModel):
    type: str


class Command(BaseModel):
    command: str
    team_id: str
    user_id: str


class EventCallback(BaseModel):
    event: Typed
    team_id: str | None = None


class UrlVerification(BaseModel):
    challenge: str


class Action(BaseModel):
    action_id: str


class BlockActions(BaseModel):
    user: Named
    team: Named | None = None
    channel: Named | None = None
    actions: list[Action] = Field(min_length=1)
    container: dict | None = None
    message: dict | None = None
    view: dict | None = None


class View(BaseModel):
    callback_id: str
    private_metadata: str = ""
    state: dict = {}


class ViewSubmission(BaseModel):
    user: Named
    team: Named | None = None
    view: View


class Shortcut(BaseModel):
    callback_id: str
    user: Named
    team: Named | None = None
    channel: Named | None = None
    message: dict | None = None


SHAPES: dict[str, type[BaseModel]] = {
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "message_action": Shortcut,
    "shortcut": Shortcut,
}
