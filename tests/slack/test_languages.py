"""English and German: the workspace's language for the channel, each person's Slack locale for what they read alone."""

from __future__ import annotations

import json

from tests.support.harness import button_click, utc
from tests.support.people import DESIGNER, DISTRIBUTION, PM
from tests.support.story import CHANNEL, checklist, message_text, open_release, posts, tick


def german_workspace(bot, standin) -> str:
    channel_id, _ = open_release(bot, standin)
    changed = bot.command("settings language de", user=PM)
    assert "*language* ist jetzt de" in changed.text
    return channel_id


def test_a_german_workspace_gets_german_replies_refusals_and_help(bot, standin):
    channel_id = german_workspace(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    claimed = bot.command("claim artwork", user=DESIGNER, **room)
    assert "*Cover artwork* `artwork` gehört jetzt dir, fällig am Fr., 29.01.2027." in claimed.text
    status = bot.command("status", user=PM, **room)
    assert "bis zur Veröffentlichung (Fr., 12.03.2027)" in status.text and "to release" not in status.text
    refused = bot.command("claim artwrok", user=DESIGNER, **room)
    assert "Kein Deliverable heißt „artwrok“" in refused.text and "Meintest du `artwork`" in refused.text
    usage = bot.command("block artwork", user=DESIGNER, **room)
    assert "Sag, was es blockiert." in usage.text
    assert "Releasebot: /release-Befehle" in bot.command("help", user=PM, **room).text
    listing = bot.command("settings", user=PM)
    assert "*Workspace-Einstellungen*" in listing.text and "Sprache der Nachrichten" in listing.text


def test_a_german_workspace_gets_german_standups_and_checklists(bot, standin):
    channel_id = german_workspace(bot, standin)
    bot.command("claim master", user=DISTRIBUTION, channel=channel_id, channel_name=CHANNEL)
    bot.settle()
    master = message_text(checklist(standin, channel_id)["master"])
    assert f"Verantwortlich <@{DISTRIBUTION}>" in master and "Fällig *Fr., " in master, "re-rendered in German"
    tick(bot, utc(2027, 1, 5, 8, 31))  # Tuesday 09:31 in Berlin
    standup = posts(standin, channel_id, "05.01.2027")
    assert len(standup) == 1, "one standup, dated the German way"
    assert "Standup · Tue 5 Jan 2027" not in message_text(standup[0]) + standup[0]["text"]


def test_a_german_speaker_in_an_english_workspace_reads_their_own_dms_and_home_in_german(bot, standin):
    standin.users[DESIGNER]["locale"] = "de-DE"
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, **room)
    bot.settle()
    assigned = [m["text"] for m in standin.dms(DESIGNER)]
    assert assigned and "hat dir *Cover artwork*" in assigned[-1] and "29.01.2027" in assigned[-1]
    reply = bot.command("claim metadata", user=PM, **room)
    assert "You own" in reply.text, "the English workspace still answers the PM in English"
    bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D0DEE", "tab": "home"})
    bot.settle()
    home = json.dumps(standin.home_views[DESIGNER], ensure_ascii=False)
    assert "Deine Deliverables (1)" in home and "Cover artwork" in home
    done = button_click(standin.home_views[DESIGNER], "checklist_done", user=DESIGNER)
    status, _, _ = bot.interact(done)
    assert status == 200
    bot.settle()
    notice = json.dumps(standin.home_views[DESIGNER], ensure_ascii=False)
    assert "*Cover artwork* `artwork` ist erledigt." in notice


def test_switching_language_rewords_every_checklist_message_and_the_overview(bot, standin):
    channel_id = german_workspace(bot, standin)
    bot.settle()
    items = checklist(standin, channel_id)
    assert items and all("Fällig" in message_text(m) for m in items.values()), "all German, not only the new"
    bot.command("settings language en", user=PM)
    bot.settle()
    items = checklist(standin, channel_id)
    assert all("Due *" in message_text(m) and "Fällig" not in message_text(m) for m in items.values())
    pinned = [m for m in standin.messages(channel_id) if m["ts"] in standin.world.channels[channel_id]["pins"]]
    assert pinned and all("Veröffentlichung" not in message_text(m) + m["text"] for m in pinned)
