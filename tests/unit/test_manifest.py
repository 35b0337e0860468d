"""`releasebot manifest`: the app's Slack configuration, kept in step with what the code listens to."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.runtime.cli import main
from bot.runtime.manifest import BOT_EVENTS, MESSAGE_EVENTS
from messages.ids import ShortcutId

HANDLERS = Path(__file__).parents[2] / "handlers"


def printed_manifest(capsys, *args: str) -> dict:
    assert main(["manifest", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_with_a_url_every_request_goes_there(capsys):
    manifest = printed_manifest(capsys, "--url", "https://releasebot.label.example/")
    endpoint = "https://releasebot.label.example/slack/events"
    assert manifest["features"]["slash_commands"][0] | {"url": endpoint} == manifest["features"]["slash_commands"][0]
    assert manifest["settings"]["event_subscriptions"]["request_url"] == endpoint
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": endpoint}
    assert manifest["oauth_config"]["redirect_urls"] == ["https://releasebot.label.example/slack/oauth_redirect"]
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_without_a_url_socket_mode_is_on_and_no_url_is_invented(capsys):
    manifest = printed_manifest(capsys)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in json.dumps(manifest).replace("redirect_urls", "")


def test_the_manifest_subscribes_to_exactly_the_events_the_handlers_take(capsys):
    registered = set()
    for source in HANDLERS.glob("*.py"):
        registered |= set(re.findall(r'@app\.event\("([a-z_]+)"\)', source.read_text()))
    if "message" in registered:  # one listener, subscribed per kind of conversation
        registered = registered - {"message"} | set(MESSAGE_EVENTS)
    assert registered == set(BOT_EVENTS)
    assert set(printed_manifest(capsys)["settings"]["event_subscriptions"]["bot_events"]) == registered


def test_the_shortcut_and_home_tab_are_declared(capsys):
    features = printed_manifest(capsys)["features"]
    assert features["shortcuts"][0]["callback_id"] == ShortcutId.ADD_AS_DELIVERABLE
    assert features["shortcuts"][0]["type"] == "message"
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["slash_commands"][0]["should_escape"] is True
