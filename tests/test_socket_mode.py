"""Socket Mode: the same app and handlers, with Slack's requests arriving over a WebSocket the bot opened."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from bot.server import socket_mode_handler
from tests import slackreq
from tests.conftest import DESIGNER, PM
from tests.harness import TEAM, BotUnderTest
from tests.standin.socket import SocketModeSlack
from tests.test_buttons import item
from tests.test_story import CHANNEL, NEW, checklist

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


def command(slack: SocketModeSlack, text: str, *, user: str, channel: str = "CGENERAL") -> dict:
    form = slackreq.slash_command_body(
        text,
        user_id=user,
        channel_id=channel,
        channel_name="general",
        team_id=TEAM,
        response_url="https://hooks.slack.com/commands/T0RELEASE/1/unused",
        trigger_id="1.2.trigger",
    )
    return slack.send("slash_commands", {k: v[-1] for k, v in urllib.parse.parse_qs(form).items()})


def test_commands_and_reactions_work_over_socket_mode(socket_bot, standin):
    bot, slack = socket_bot
    assert standin.calls_to("apps.connections.open", ok=True), "the bot asked Slack where to connect"
    help_ack = command(slack, "help", user=PM)
    assert "/release new" in json.dumps(help_ack["payload"]), "the reply travels in the acknowledgement"
    created = command(slack, NEW, user=PM)
    assert "Setting up *Midnight Drive*" in json.dumps(created["payload"])
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
