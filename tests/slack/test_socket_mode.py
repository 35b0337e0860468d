"""Socket Mode: the same app and handlers, with Slack's requests arriving over a WebSocket the bot opened."""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest

from bot.runtime.server import socket_mode_handler
from tests.support import slackreq
from tests.support.harness import TEAM, BotUnderTest
from tests.support.people import DESIGNER, PM
from tests.support.standin.socket import SocketModeSlack
from tests.support.story import CHANNEL, NEW, checklist, item

APP_TOKEN = "xapp-1-A0RELEASE-1-secret"


@pytest.fixture
def socket_bot(database, standin, clock):
    engine, url = database
    with SocketModeSlack(standin, APP_TOKEN) as slack:
        bot = BotUnderTest(
            standin=standin, engine=engine, clock=clock, database_url=url, settings={"slack_app_token": APP_TOKEN}
        ).start()
        handler = socket_mode_handler(bot.app, APP_TOKEN)
        handler.connect()
        yield bot, slack
        handler.close()
        bot.stop()


def command(slack: SocketModeSlack, standin, text: str, *, user: str, key: str) -> dict:
    """A slash command over the socket: the ack carries nothing, the answer goes to its response_url."""
    form = slackreq.slash_command_body(
        text,
        user_id=user,
        channel_id="CGENERAL",
        channel_name="general",
        team_id=TEAM,
        response_url=standin.response_url(key),
        trigger_id=f"1.2.{key}",
    )
    ack = slack.send("slash_commands", {k: v[-1] for k, v in urllib.parse.parse_qs(form).items()})
    assert "envelope_id" in ack and not ack.get("payload")
    return standin.wait_for(lambda: standin.responses(key), what=f"the answer to {text}")[0]


def test_commands_and_reactions_work_over_socket_mode(socket_bot, standin):
    bot, slack = socket_bot
    assert standin.calls_to("apps.connections.open", ok=True), "the bot asked Slack where to connect"
    assert "/release new" in json.dumps(command(slack, standin, "help", user=PM, key="help"))
    assert "Setting up *Midnight Drive*" in json.dumps(command(slack, standin, NEW, user=PM, key="new"))
    bot.settle()
    channel = standin.channel_by_name(CHANNEL)
    assert channel is not None
    artwork = checklist(standin, channel["id"])["artwork"]
    assert item(bot, "artwork").state == "open"
    event = slackreq.reaction_event("white_check_mark", user=DESIGNER, channel=channel["id"], ts=artwork["ts"])
    ack = slack.send("events_api", json.loads(slackreq.event_body(event, team_id=TEAM)), accepts_response_payload=False)
    assert "envelope_id" in ack
    bot.settle()
    assert item(bot, "artwork").state == "done"


def test_an_unknown_app_token_cannot_connect(database, standin, clock):
    with SocketModeSlack(standin, APP_TOKEN):
        response = slackreq.post(
            standin.base_url + "apps.connections.open", "", {"Authorization": "Bearer xapp-1-wrong"}
        )
    assert json.loads(response[2]) == {"ok": False, "error": "invalid_auth"}


ENVELOPES = {
    "payload null": ("slash_commands", None),
    "payload an array": ("events_api", []),
    "payload a string": ("interactive", "text"),
    "command without its fields": ("slash_commands", {"text": "help"}),
    "event that is a list": ("events_api", {"type": "event_callback", "team_id": TEAM, "event": []}),
    "view submission without a view": ("interactive", {"type": "view_submission", "user": {"id": PM}}),
    "event with a team that is a number": ("events_api", {"type": "event_callback", "team": 5, "event": {"type": "x"}}),
}


@pytest.mark.parametrize("case", ENVELOPES)
def test_a_malformed_envelope_is_acknowledged_and_dropped_in_one_line(socket_bot, standin, caplog, case):
    bot, slack = socket_bot
    kind, payload = ENVELOPES[case]
    envelope = {"envelope_id": f"env-{len(case)}", "type": kind, "payload": payload, "accepts_response_payload": True}
    command(slack, standin, "help", user=PM, key="before")  # connected, and past the connection's own logging
    caplog.clear()
    with caplog.at_level(logging.INFO):
        slack.send_frame(json.dumps(envelope))
        slack.ack_for(envelope["envelope_id"])
        bot.settle()
    assert_one_line_and_still_working(bot, slack, standin, caplog)


@pytest.mark.parametrize("frame", ['{"envelope_id": "x", "type": ', "[1, 2]", "null", '"text"'])
def test_a_frame_that_is_not_a_json_object_is_dropped_in_one_line(socket_bot, standin, caplog, frame):
    bot, slack = socket_bot
    command(slack, standin, "help", user=PM, key="before")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        slack.send_frame(frame)
        standin.wait_for(lambda: [r for r in caplog.records if "dropped" in r.getMessage()], what="the log line")
    assert_one_line_and_still_working(bot, slack, standin, caplog)


def assert_one_line_and_still_working(bot, slack, standin, caplog) -> None:
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(records) == 1 and not records[0].exc_info, [r.getMessage() for r in records]
    assert bot.runtime.inbox.waiting() == 0
    assert "/release new" in json.dumps(command(slack, standin, "help", user=PM, key="after"))
