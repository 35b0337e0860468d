"""Malformed requests to /slack/events, signed and unsigned, through the real WSGI app: each is refused
with 400 (or 401 when it is not Slack's), one short log line and no traceback, and nothing is kept,
changed or sent to Slack."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.parse

import pytest
from sqlmodel import func, select

from bot.runtime.server import SLACK_PATH
from storage.db import session_scope
from storage.models import ProcessedEvent
from tests.support import slackreq
from tests.support.harness import SIGNING_SECRET, TEAM
from tests.support.people import PM

FORM, JSON = slackreq.FORM, slackreq.JSON
USER = {"id": PM, "team_id": TEAM}


def payload(value) -> bytes:
    """An interactivity form whose ``payload=`` holds ``value`` (JSON-encoded unless already text)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return urllib.parse.urlencode({"payload": text}).encode()


COMMAND = slackreq.slash_command_body(
    "help", user_id=PM, channel_id="CGENERAL", channel_name="general", team_id=TEAM,
    response_url="http://127.0.0.1:9/never", trigger_id="t",
).encode()  # fmt: skip

MALFORMED = {
    "invalid JSON": (b'{"type": "event_callback", ', JSON),
    "JSON array": (b"[1, 2]", JSON),
    "JSON null": (b"null", JSON),
    "empty JSON body": (b"", JSON),
    "JSON without a type": (b'{"team_id": "T0RELEASE"}', JSON),
    "deeply nested JSON": (b"[" * 100_000, JSON),
    "payload= invalid JSON": (payload("{nope"), FORM),
    "payload= an array": (payload([]), FORM),
    "payload= null": (payload(None), FORM),
    "payload= nothing": (b"payload=", FORM),
    "non-UTF-8 form": (b"command=%2Frelease&text=\xff\xfe", FORM),
    "non-UTF-8 percent-escape": (b"command=%2Frelease&text=%FF&team_id=T&user_id=U", FORM),
    "non-UTF-8 JSON": (b'{"type": "event_callback", "x": "\xff"}', JSON),
    "view submission without a view": (payload({"type": "view_submission", "user": USER}), FORM),
    "view submission with a null view": (payload({"type": "view_submission", "user": USER, "view": None}), FORM),
    "block actions without actions": (payload({"type": "block_actions", "user": USER, "actions": []}), FORM),
    "block actions by a user that is text": (payload({"type": "block_actions", "user": PM, "actions": [{}]}), FORM),
    "shortcut without a callback id": (payload({"type": "message_action", "user": USER}), FORM),
    "event without an event": (b'{"type": "event_callback", "team_id": "T0RELEASE"}', JSON),
    "event that is a list": (b'{"type": "event_callback", "team_id": "T0RELEASE", "event": []}', JSON),
    "event with a team that is a number": (b'{"type": "event_callback", "team": 5, "event": {"type": "x"}}', JSON),
    "form body labelled JSON": (COMMAND, JSON),
    "form that is not a command": (b"text=help&team_id=T0RELEASE", FORM),
    "form that is not URL-encoded": (b"just some words", FORM),
    "neither JSON nor a form": (COMMAND, "text/plain"),
}


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_request_is_refused_in_one_line(bot, standin, caplog, case, signed):
    body, content_type = MALFORMED[case]
    headers = slackreq.sign(body, SIGNING_SECRET) if signed else {}
    status, lines = refused(bot, standin, caplog, body, headers | {"Content-Type": content_type})
    assert status == (400 if signed else 401)
    assert len(lines) == 1 and len(lines[0]) < 200, lines


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1e9", " 1700000000", "-1700000000", "9" * 5000],
    ids=["letters", "empty", "exponent", "space", "negative", "5000 digits"],
)
def test_a_timestamp_that_is_not_a_number_is_refused_as_unsigned(bot, standin, caplog, timestamp):
    headers = slackreq.sign(COMMAND, SIGNING_SECRET) | {"X-Slack-Request-Timestamp": timestamp}
    status, lines = refused(bot, standin, caplog, COMMAND, headers | {"Content-Type": FORM})
    assert status == 401 and len(lines) == 1, lines


def test_a_forged_or_stale_signature_is_refused_before_the_body_is_read(bot, standin, caplog):
    stale = slackreq.sign(COMMAND, SIGNING_SECRET, timestamp=int(time.time()) - 301)
    forged = slackreq.sign(COMMAND, "not-the-secret")
    for headers in (stale, forged):
        status, lines = refused(bot, standin, caplog, COMMAND, headers | {"Content-Type": FORM})
        assert status == 401 and len(lines) == 1 and "COMMAND" not in lines[0], lines


def test_a_command_with_the_word_payload_in_it_is_a_command(bot, standin):
    """Bolt's own parser takes any form body containing "payload" for an interactivity payload."""
    from tests.support.story import open_release

    channel_id, _ = open_release(bot, standin)
    reply = bot.command('add "Payload check for the distributor"', user=PM, channel=channel_id)
    assert reply.status == 200 and "Payload check for the distributor" in reply.text


def test_slacks_certificate_probe_is_answered_and_goes_nowhere(bot, standin):
    standin.reset_calls()
    status, _, answer = slackreq.post(bot.url + SLACK_PATH, b"ssl_check=1&token=x", {"Content-Type": FORM})
    assert (status, answer) == (200, "") and standin.calls == []


def refused(bot, standin, caplog, body: bytes, headers: dict) -> tuple[int, list[str]]:
    """Post a request that must be refused: its status and the log lines it caused, having checked that it
    logged no traceback, kept nothing, recorded nothing and called Slack for nothing."""
    standin.reset_calls()
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        status, _, _ = slackreq.post(bot.url + SLACK_PATH, body, headers)
        bot.settle()
    # Waitress's own note that its threads were all busy (a loaded machine) is about the server, not the request.
    records = [r for r in caplog.records if r.levelno >= logging.INFO and r.name != "waitress.queue"]
    assert not any(r.exc_info or r.stack_info for r in records), "no traceback"
    assert bot.runtime.inbox.waiting() == 0 and standin.calls == []
    with session_scope(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(ProcessedEvent)).one() == 0
    return status, [r.getMessage() for r in records]


def test_a_body_far_larger_than_anything_slack_sends_is_refused_unread(bot, standin):
    where = urllib.parse.urlsplit(bot.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=5)
    connection.putrequest("POST", SLACK_PATH)
    connection.putheader("Content-Type", FORM)
    connection.putheader("Content-Length", str(2 * 1024 * 1024))
    connection.endheaders()  # the body is never sent: the answer comes from the headers alone
    assert connection.getresponse().status == 413
    connection.close()
    assert bot.command("help", user="UPMPAULA").status == 200, "the server goes on serving"
