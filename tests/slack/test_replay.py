"""Replay Slack's own request payloads (tests/payloads/, copied from ../shared/slack/payloads/) against the app."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import Activity
from tests.support.story import open_release

PAYLOADS = Path(__file__).parents[1] / "payloads"
EVENTS = sorted((PAYLOADS / "events").glob("*.json"))


@pytest.mark.parametrize("path", EVENTS, ids=[p.stem for p in EVENTS])
def test_every_recorded_event_is_acknowledged_and_changes_nothing_it_should_not(bot, path):
    body = path.read_text()
    status, _headers, answer = bot.post(body, content_type="application/json")
    assert status == 200, answer
    if json.loads(body).get("type") == "url_verification":
        assert json.loads(answer)["challenge"] == json.loads(body)["challenge"]
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(Activity)).one() == 0


def test_recorded_slash_command_form_with_our_command(bot, standin):
    fields = urllib.parse.parse_qsl((PAYLOADS / "slash_commands" / "bolt_python.form.txt").read_text())
    form = dict(fields) | {"command": "/release", "text": "help", "response_url": standin.response_url("x")}
    status, _headers, ack = bot.post(urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded")
    assert status == 200 and not ack, "acknowledged at once, answered on the response_url"
    bot.settle()
    (answer,) = standin.responses("x")
    assert "/release new" in answer["text"]


def test_recorded_reaction_envelope_on_a_checklist_message(bot, standin):
    channel_id, _ = open_release(bot, standin)
    envelope = json.loads((PAYLOADS / "events" / "reaction_added.bolt_python_with_authorizations.json").read_text())
    ts = standin.messages(channel_id)[-1]["ts"]
    envelope["team_id"] = "T0RELEASE"
    envelope["event"] |= {"reaction": "white_check_mark", "item": {"type": "message", "channel": channel_id, "ts": ts}}
    reacting = envelope["event"]["user"]  # someone in the channel, as anyone who can react there is
    standin.world.channels[channel_id]["members"].add(reacting)
    bot.event({"type": "member_joined_channel", "user": reacting, "channel": channel_id, "event_ts": "1.0"})
    status, _, _ = bot.post(json.dumps(envelope), content_type="application/json")
    bot.settle()
    with session_scope(bot.engine) as session:
        done = session.exec(select(func.count()).select_from(Activity).where(Activity.action == "done")).one()
    assert status == 200 and done == 1
