"""The artist's weekly brief through ticks and the PM's buttons: drafted on Friday at standup time and DMed to
the PM with Send, Edit and Skip; the brief channel gets exactly what the PM sends, once, and never a budget, a
blocker's reason, an escalation or who is late; a Good Friday moves the draft to Thursday."""

from __future__ import annotations

import json

import pytest

from bot.jobs import brief as jobs_brief
from messages import brief as brief_words
from tests.slack.test_forms import errors_of, opened_form
from tests.support.harness import button_click, buttons, utc, view_submission
from tests.support.people import ADMIN, DESIGNER, PM
from tests.support.story import CHANNEL, dm_texts, open_release, posts, tick

BOT = "UBOT"
HEADER = "Weekly brief · Nova Lane — Midnight Drive"
# What the week below makes internal: the budget's amounts, the blocker's reason, the late item and its
# lateness, the escalation, the people on the release.
INTERNAL = ("7,350", "7350", "1,234", "1234", "€", "EUR", "budget", "Budget", "photographer", "Cover artwork",
            "late", "overdue", "working day", "scalat", "blocked", "<@", DESIGNER, "dee")  # fmt: skip


def _in(room: str) -> dict:
    return dict(channel=room, channel_name=CHANNEL)


def _offers(standin, user: str = PM) -> list[dict]:
    """The DMs that offer a brief (those with its Send button, or that once had it: its header)."""
    return [m for m in standin.dms(user) if any(b.get("type") == "header" and b["text"]["text"].startswith(
        "Weekly brief") for b in m.get("blocks") or [])]  # fmt: skip


def _brief_text(message: dict) -> str:
    """The brief as the DM shows it: its one plain-text section."""
    return next(b["text"]["text"] for b in message["blocks"] if b.get("text", {}).get("type") == "plain_text"
                and b["type"] == "section")  # fmt: skip


def _notes(message: dict) -> str:
    return " ".join(e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"])


def _click(bot, standin, message: dict, action_id: str, *, user: str = PM, key: str = "brief") -> dict:
    dm = standin.im_for(PM)["id"]
    payload = button_click(message, action_id, user=user, channel=dm, response_url=standin.response_url(key))
    payload["trigger_id"] = standin.issue_trigger_id()
    status, _, _ = bot.interact(payload)
    assert status == 200
    bot.settle()
    return payload


def _to(standin, channel: str) -> list:
    """Every Web API call the bot made about ``channel``."""
    return [c for c in standin.calls if channel in (c.args.get("channel"), c.args.get("channel_id"))]


@pytest.fixture
def week(bot, standin):
    """A release whose brief goes to a shared channel, and a week with everything the artist must not see: a
    budget with spend, a late item escalated on Thursday, a blocker with its reason; a done item, a deliverable
    due next week and the artist's sign-off."""
    room, _ = open_release(bot, standin)
    brief_room = standin.add_channel("artist-mgmt", members={BOT})["id"]
    assert "Make sure I'm in it" in bot.command(f"brief channel <#{brief_room}|artist-mgmt>", user=PM, **_in(room)).text
    refused = bot.command(f"brief channel <#{brief_room}|artist-mgmt>", user=DESIGNER, **_in(room))
    assert "Only the release's PM" in refused.text
    assert f"goes to <#{brief_room}>" in bot.command("brief", user=DESIGNER, **_in(room)).text
    assert "is now" in bot.command(f"settings label_heads <@{ADMIN}|alex>", user=PM).text
    bot.command("budget 7,350", user=PM, **_in(room))
    bot.command("spend 1,234.56 recording tracking day", user=PM, **_in(room))
    bot.command("due artwork 2027-01-04", user=PM, **_in(room))
    bot.command("due metadata 2027-01-14", user=PM, **_in(room))
    bot.command("claim artwork", user=DESIGNER, **_in(room))
    bot.command("block press-release waiting on the photographer", user=PM, **_in(room))
    for day in (5, 6, 7):  # standups, the overdue notice, Thursday's escalation
        tick(bot, utc(2027, 1, day, 8, 31))
        tick(bot, utc(2027, 1, day, 9, 5))
    bot.clock.now = utc(2027, 1, 6, 11, 0)
    bot.command("done master", user=PM, **_in(room))
    assert any("Cover artwork" in json.dumps(m) for m in standin.dms(ADMIN)), "the escalation went out"
    return room, brief_room


def test_friday_draft_reaches_the_pm_and_send_posts_exactly_it_once(bot, standin, week):
    _, brief_room = week
    tick(bot, utc(2027, 1, 8, 8, 0))  # Friday 09:00 in Berlin: before the standup time
    assert not _offers(standin)
    tick(bot, utc(2027, 1, 8, 8, 31))
    tick(bot, utc(2027, 1, 8, 8, 45))
    [offer] = _offers(standin)
    assert [e["action_id"] for _, e in buttons(offer["blocks"])] == ["brief_send", "brief_edit", "brief_skip"]
    draft = _brief_text(offer)
    assert draft.startswith("Weekly update · Nova Lane — Midnight Drive")
    assert "Done this week\n• Final master audio" in draft
    assert "Next up\n• Metadata, ISRC and credits — Thu 14 Jan 2027" in draft
    assert "What we need from you\n• Artist sign-off on the campaign — by Fri 19 Feb 2027" in draft
    assert "Key dates\n• Release day: Fri 12 Mar 2027\n• Delivery to the distributor: Fri 12 Feb 2027" in draft
    for fact in INTERNAL:
        assert fact not in draft, fact
    assert not _to(standin, brief_room), "nothing in the brief channel before Send"

    first = _click(bot, standin, offer, "brief_send")
    [posted] = standin.messages(brief_room)
    assert _brief_text(posted) == draft and posted["text"] == draft
    [offer] = _offers(standin)
    assert not buttons(offer["blocks"]) and f"Sent to <#{brief_room}> by <@{PM}> on Fri 8 Jan 2027" in _notes(offer)

    bot.interact(first)  # Slack's retry of the same click
    bot.settle()
    _click(bot, standin, first["message"], "brief_send", key="again")  # a second click on the DM as it was
    assert "already sent by" in json.dumps(standin.responses("again"))
    tick(bot, utc(2027, 1, 8, 14, 0))
    assert len(_offers(standin)) == 1, "one draft a week"
    assert [c.method for c in _to(standin, brief_room)] == ["chat.postMessage"], "exactly once, and only the text"
    assert standin.messages(brief_room)[0]["text"] == draft


def test_edit_then_send_posts_the_edited_text_and_skip_posts_nothing(bot, standin, week):
    _, brief_room = week
    tick(bot, utc(2027, 1, 8, 8, 31))
    [offer] = _offers(standin)
    _click(bot, standin, offer, "brief_edit")
    view = opened_form(standin)
    field = next(b for b in view["blocks"] if b["type"] == "input")
    assert field["element"]["multiline"] and field["element"]["initial_value"] == _brief_text(offer)
    empty = {"brief": {"brief": {"type": "plain_text_input", "value": "  \n "}}}
    assert "Write the brief" in errors_of(bot.interact(view_submission(view, PM, empty))[2])["brief"]
    edited = "Hi Mika & team,\nmaster is done; <!channel> the cover shoot is on Tuesday.\nPaula"
    values = {"brief": {"brief": {"type": "plain_text_input", "value": edited}}}
    status, _, _ = bot.interact(view_submission(view, PM, values))
    assert status == 200
    bot.settle()
    [offer] = _offers(standin)
    assert _brief_text(offer) == edited and f"Edited by <@{PM}>" in _notes(offer)
    assert [e["action_id"] for _, e in buttons(offer["blocks"])] == ["brief_send", "brief_edit", "brief_skip"]
    assert not _to(standin, brief_room), "an edit posts nothing"

    _click(bot, standin, offer, "brief_send")
    [posted] = standin.messages(brief_room)
    assert _brief_text(posted) == edited, "exactly the PM's words"
    shown = "Hi Mika &amp; team,\nmaster is done; &lt;!channel&gt; the cover shoot is on Tuesday.\nPaula"
    assert posted["text"] == shown, "escaped for Slack: nothing in it pings"

    tick(bot, utc(2027, 1, 15, 8, 31))  # the next Friday
    offer = _offers(standin)[-1]
    assert buttons(offer["blocks"]), "a new week, a new draft"
    _click(bot, standin, offer, "brief_skip")
    offer = _offers(standin)[-1]
    assert not buttons(offer["blocks"]) and f"Skipped by <@{PM}>" in _notes(offer)
    assert len(standin.messages(brief_room)) == 1, "Skip posts nothing"


def test_only_the_pm_or_an_admin_may_decide_and_a_channel_without_the_bot_is_explained(bot, standin):
    room, _ = open_release(bot, standin)
    closed = standin.add_channel("artist-mgmt", members={"UMGRMIKA"}, is_private=True)["id"]  # Slack Connect
    bot.command(f"brief channel <#{closed}|artist-mgmt>", user=PM, **_in(room))
    tick(bot, utc(2027, 1, 8, 8, 31))
    [offer] = _offers(standin)
    _click(bot, standin, offer, "brief_send", user=DESIGNER, key="designer")
    assert "Only the release's PM" in json.dumps(standin.responses("designer"))
    _click(bot, standin, offer, "brief_skip", user=DESIGNER, key="designer-skip")
    [offer] = _offers(standin)
    assert buttons(offer["blocks"]) and not standin.messages(closed)

    _click(bot, standin, offer, "brief_send")
    [offer] = _offers(standin)
    assert "a private or shared channel needs me in it. Invite me there (type `/invite @Releasebot`" in _notes(offer)
    assert buttons(offer["blocks"]) and not standin.messages(closed), "nothing posted; Send stays"
    standin.channels[closed]["members"].add(BOT)
    _click(bot, standin, offer, "brief_send", user=ADMIN, key="retry")  # a workspace admin may send it too
    assert len(standin.messages(closed)) == 1 and f"Sent to <#{closed}> by <@{ADMIN}>" in _notes(_offers(standin)[0])


def test_last_weeks_brief_cannot_be_sent_once_this_weeks_is_due(bot, standin):
    room, _ = open_release(bot, standin)
    mgmt = standin.add_channel("artist-mgmt", members={BOT})["id"]
    bot.command(f"brief channel <#{mgmt}|artist-mgmt>", user=PM, **_in(room))
    tick(bot, utc(2027, 1, 8, 8, 31))
    [offer] = _offers(standin)
    bot.clock.now = utc(2027, 1, 15, 8, 0)  # the next Friday, before its own draft
    _click(bot, standin, offer, "brief_send", key="stale")
    assert "its news is old now" in json.dumps(standin.responses("stale"))
    assert not standin.messages(mgmt)


def test_a_good_friday_moves_the_draft_to_thursday_for_an_artists_channel(bot, standin):
    mgmt = standin.add_channel("nova-lane-mgmt", members={BOT})["id"]
    assert "is now DE" in bot.command("settings holiday_country DE", user=PM).text
    set_ = bot.command(f'settings brief_channel "Nova Lane" <#{mgmt}|nova-lane-mgmt>', user=PM)
    assert f"Nova Lane's releases now goes to <#{mgmt}>" in set_.text
    assert f"• *brief_channel*: nova lane <#{mgmt}> · where each artist's" in bot.command("settings", user=PM).text
    bot.command("settings language de", user=PM)
    bot.command(f'new "Spring" by Nova Lane on 2027-04-23 playbook single pm <@{PM}|paula>', user=PM)
    bot.settle()
    tick(bot, utc(2027, 3, 26, 8, 31))  # Good Friday
    assert not _offers(standin)
    tick(bot, utc(2027, 3, 25, 8, 31))  # Thursday 09:31 in Berlin
    [offer] = _offers(standin)
    assert "Weekly brief · Nova Lane — Spring" in offer["text"], "the DM in the PM's own language"
    draft = _brief_text(offer)
    assert draft.startswith("Wochen-Update · Nova Lane — Spring"), "the brief in the workspace's"
    assert "• Veröffentlichung: Fr., 23.04.2027" in draft
    assert not standin.messages(mgmt)


def test_a_draft_that_cannot_be_worded_is_reported_once_and_the_standup_still_goes(bot, standin, monkeypatch):
    room, _ = open_release(bot, standin)
    mgmt = standin.add_channel("artist-mgmt", members={BOT})["id"]
    bot.command(f"brief channel <#{mgmt}|artist-mgmt>", user=PM, **_in(room))

    def draft(facts, **kwargs):
        raise KeyError("a template that breaks on this release")

    monkeypatch.setattr(brief_words, "draft", draft)
    tick(bot, utc(2027, 1, 8, 8, 31))
    tick(bot, utc(2027, 1, 8, 8, 32))
    told = [t for t in dm_texts(standin, PM) if "could not prepare the artist's weekly brief" in t]
    assert len(told) == 1 and "KeyError" in told[0]
    assert posts(standin, room, "Midnight Drive"), "the standup went out"
    assert not _offers(standin) and not standin.messages(mgmt)


def test_a_german_pm_reads_her_dm_in_german_and_the_brief_stays_in_the_workspaces_english(bot, standin):
    standin.users[PM]["locale"] = "de-DE"
    room, _ = open_release(bot, standin)
    mgmt = standin.add_channel("artist-mgmt", members={BOT})["id"]
    bot.command(f"brief channel <#{mgmt}|artist-mgmt>", user=PM, **_in(room))
    tick(bot, utc(2027, 1, 8, 8, 31))
    [offer] = [m for m in standin.dms(PM) if m["text"].startswith("Wochen-Briefing · Nova Lane — Midnight Drive")]
    assert [e["text"]["text"] for _, e in buttons(offer["blocks"])] == ["Senden", "Bearbeiten", "Überspringen"]
    assert "Nichts wird gepostet, bevor du *Senden* drückst" in _notes(offer)
    assert _brief_text(offer).startswith("Weekly update · Nova Lane — Midnight Drive")
    _click(bot, standin, offer, "brief_send")
    [offer] = [m for m in standin.dms(PM) if m["text"].startswith("Wochen-Briefing")]
    assert f"An <#{mgmt}> gesendet von <@{PM}> am Fr., 08.01.2027 um 09:31" in _notes(offer)
    assert standin.messages(mgmt)[0]["text"].startswith("Weekly update")


def test_a_send_claimed_by_a_process_that_stopped_before_posting_is_posted_when_the_click_is_resumed(
    bot, standin, week, monkeypatch
):
    _, brief_room = week
    tick(bot, utc(2027, 1, 8, 8, 31))
    [offer] = _offers(standin)
    monkeypatch.setattr(jobs_brief, "_post", lambda *args: None)  # the process stops once the claim is saved
    first = _click(bot, standin, offer, "brief_send")
    assert not standin.messages(brief_room)
    monkeypatch.undo()
    bot.interact(first)  # the same click, as the process that resumes it (or Slack's retry) brings it
    bot.settle()
    [posted] = standin.messages(brief_room)
    assert posted["text"] == _brief_text(offer)
    bot.interact(first)  # and once it is posted, a retry posts nothing more
    bot.settle()
    assert len(standin.messages(brief_room)) == 1
    assert f"Sent to <#{brief_room}> by <@{PM}>" in _notes(_offers(standin)[0])
