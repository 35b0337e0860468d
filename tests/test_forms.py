"""Forms and clicks: the new-release form, the "Add as deliverable" shortcut, Home buttons, Snooze on a checklist.

Payloads are shaped like ../shared/slack/payloads/interactivity/ (view_submission with a datepicker
and selects as in view_submission.static_select_datepicker.java_sdk.json, Home clicks as in
block_actions.home_tab_button.java_sdk.raw.json); forms open only with a trigger id the stand-in
issued, as Slack's views.open requires.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from messages.ids import Field, ShortcutId
from storage.db import session_scope
from storage.models import Deliverable, Release
from tests.conftest import DESIGNER, DISTRIBUTION, PM
from tests.harness import TEAM, button_click
from tests.test_buttons import item, press
from tests.test_story import CHANNEL, checklist, message_text, open_release

USER_FIELDS = {Field.PM: "selected_user", Field.OWNER: "selected_user", Field.TEAM: "selected_users"}


def opened_form(standin) -> dict:
    opened = standin.calls_to("views.open", ok=True)
    assert opened, f"no form opened: {[c.response for c in standin.calls_to('views.open')]}"
    return opened[-1].response["view"]


def filled(view: dict, user: str, answers: dict) -> dict:
    """A view_submission of ``view`` with ``answers`` (Field → value) in Slack's ``state.values`` shape."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        field, element = Field(block["block_id"]), block["element"]
        answer = answers.get(field)
        state = {"type": element["type"]}
        if element["type"] == "datepicker":
            state["selected_date"] = answer.isoformat() if answer else None
        elif element["type"] == "static_select":
            chosen = [o for o in element["options"] if o["value"] == answer] or [element.get("initial_option")]
            state["selected_option"] = chosen[0]
        elif field in USER_FIELDS:
            state[USER_FIELDS[field]] = answer if answer is not None else element.get("initial_user")
        else:
            state["value"] = answer
        values[block["block_id"]] = {element["action_id"]: state}
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "label"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
        "trigger_id": "768915595217.771150964790.bbc12e4f1483ce782cd891edf9dca94c",
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
    }


def errors_of(answer: str) -> dict:
    body = json.loads(answer)
    assert body["response_action"] == "errors", body
    return body["errors"]


def releases(bot) -> list[Release]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Release)).all())


NEW_RELEASE = {
    Field.TITLE: "Midnight Drive",
    Field.ARTIST: "Nova Lane",
    Field.RELEASE_DATE: date(2027, 3, 12),
    Field.PLAYBOOK: "single",
    Field.TEAM: [DESIGNER, DISTRIBUTION],
}


def test_release_new_alone_opens_a_form_with_the_commands_fields(bot, standin):
    reply = bot.command("new", user=PM, trigger_id=standin.issue_trigger_id())
    assert reply.status == 200
    view = opened_form(standin)
    inputs = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs == {
        "title": "plain_text_input",
        "artist": "plain_text_input",
        "release_date": "datepicker",
        "playbook": "static_select",
        "pm": "users_select",
        "team": "multi_users_select",
    }
    pm_select = next(b["element"] for b in view["blocks"] if b.get("block_id") == "pm")
    assert pm_select["initial_user"] == PM, "whoever opens it is the PM unless they pick someone else"


def test_submitting_the_form_creates_the_release_as_the_command_does_and_only_once(bot, standin):
    bot.command("new", user=PM, trigger_id=standin.issue_trigger_id())
    submission = filled(opened_form(standin), PM, NEW_RELEASE)
    status, _, answer = bot.interact(submission)
    assert status == 200 and "errors" not in answer
    bot.settle()
    channel = standin.channel_by_name(CHANNEL)
    assert channel is not None and {PM, DESIGNER, DISTRIBUTION} <= set(channel["members"])
    assert len(checklist(standin, channel["id"])) >= 12
    told = [m["text"] for m in standin.dms(PM)]
    assert any("Setting up *Midnight Drive*" in t for t in told), "the answer arrives by DM"
    bot.interact(submission)  # a double click on Create
    bot.settle()
    assert len(releases(bot)) == 1


def test_a_past_date_or_an_empty_title_is_shown_under_its_field_and_nothing_is_created(bot, standin):
    bot.command("new", user=PM, trigger_id=standin.issue_trigger_id())
    view = opened_form(standin)
    status, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.RELEASE_DATE: date(2026, 12, 1)}))
    assert status == 200
    assert "is in the past" in errors_of(answer)["release_date"]
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.TITLE: "   "}))
    assert errors_of(answer)["title"] == "Give the release a title."
    assert releases(bot) == []


def test_add_as_deliverable_turns_a_message_into_a_deliverable(bot, standin):
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, f"*Lyric video* for YouTube, <@{DESIGNER}> can you take it?\nDetails soon")
    shortcut = message_action(standin, channel_id, said, PM)
    status, _, _ = bot.interact(shortcut)
    assert status == 200
    view = opened_form(standin)
    name = next(b["element"] for b in view["blocks"] if b.get("block_id") == "name")
    owner = next(b["element"] for b in view["blocks"] if b.get("block_id") == "owner")
    assert name["initial_value"] == "Lyric video for YouTube, can you take it?", "markup and mentions left out"
    assert owner["initial_user"] == DESIGNER, "the first person the message mentions is suggested as owner"
    status, _, answer = bot.interact(
        filled(view, PM, {Field.NAME: "Lyric video", Field.OWNER: DESIGNER, Field.DUE: date(2027, 3, 1)})
    )
    assert status == 200 and "errors" not in answer
    bot.settle()
    with session_scope(bot.engine) as session:
        added = session.exec(select(Deliverable).where(Deliverable.name == "Lyric video")).one()
    assert added.owner_id == DESIGNER and added.due_date == date(2027, 3, 1)
    assert any("Lyric video" in message_text(m) for m in checklist(standin, channel_id).values())
    assert any("gave you *Lyric video*" in m["text"] for m in standin.dms(DESIGNER)), "the new owner hears by DM"


def test_add_as_deliverable_refuses_a_past_date_in_the_form_and_works_only_in_release_channels(bot, standin):
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, "Vinyl test pressing")
    bot.interact(message_action(standin, channel_id, said, PM))
    _, _, answer = bot.interact(filled(opened_form(standin), PM, {Field.NAME: "Vinyl", Field.DUE: date(2026, 1, 1)}))
    assert "is in the past" in errors_of(answer)["due"]
    general = standin.add_channel("general", members={PM, "UBOT"})
    elsewhere = standin.post_as(PM, general["id"], "Not a release")
    key = "shortcut-general"
    bot.interact(message_action(standin, general["id"], elsewhere, PM, response_key=key))
    bot.settle()
    assert "works on messages in a release channel" in standin.responses(key)[0]["text"]


def message_action(standin, channel_id: str, message: dict, user: str, *, response_key: str = "shortcut") -> dict:
    """A message shortcut invocation, as Slack sends it for ⋮ → "Add as deliverable"."""
    return {
        "type": "message_action",
        "callback_id": ShortcutId.ADD_AS_DELIVERABLE.value,
        "trigger_id": standin.issue_trigger_id(),
        "response_url": standin.response_url(response_key),
        "team": {"id": TEAM, "domain": "label"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "channel": {"id": channel_id, "name": CHANNEL},
        "message": {"type": "message", "user": message["user"], "text": message["text"], "ts": message["ts"]},
        "message_ts": message["ts"],
        "action_ts": "1700000000.000002",
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
    }


def home_of(bot, standin, user: str) -> dict:
    bot.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    bot.settle()
    return standin.home_views[user]


def test_home_buttons_claim_block_and_snooze_and_the_home_follows(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command('add "Press photo" due 2027-01-08', user=PM, channel=channel_id, channel_name=CHANNEL)
    home = home_of(bot, standin, DESIGNER)
    assert "Press photo" in json.dumps(home), "unclaimed and due soon: up for grabs on everyone's Home"
    claim = button_click(home, "checklist_claim", user=DESIGNER)
    claimed_id = int(claim["actions"][0]["value"])
    assert bot.interact(claim)[0] == 200
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.get(Deliverable, claimed_id).owner_id == DESIGNER
    home = standin.home_views[DESIGNER]
    assert "You own" in json.dumps(home), "the Home says what the click did"
    snooze = button_click(home, "snooze_deliverable", user=DESIGNER)
    assert bot.interact(snooze)[0] == 200
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.get(Deliverable, int(snooze["actions"][0]["value"].split(":")[0])).snoozed_until is not None
    block = button_click(standin.home_views[DESIGNER], "checklist_block", user=DESIGNER)
    block["trigger_id"] = standin.issue_trigger_id()
    bot.interact(block)
    assert opened_form(standin)["callback_id"] == "block_reason"


def test_snooze_button_on_a_checklist_message(bot, standin):
    channel_id, _ = open_release(bot, standin)
    message = checklist(standin, channel_id)["artwork"]
    assert any(
        e["action_id"] == "snooze_deliverable"
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )
    press(bot, standin, channel_id, "artwork", "snooze_deliverable", DESIGNER)
    assert item(bot, "artwork").snoozed_until == date(2027, 1, 5)
    assert "quiet until" in standin.responses("artwork")[-1]["text"]


def test_a_busy_owners_home_stays_within_slacks_100_blocks_and_says_how_to_see_the_rest(bot, standin):
    channel_id, _ = open_release(bot, standin)
    with session_scope(bot.engine) as session:
        for d in session.exec(select(Deliverable)).all():
            d.owner_id = DESIGNER
            session.add(d)
    for n in range(40):
        bot.command(f'add "Remix stem {n}" owner <@{DESIGNER}|dee>', user=PM, channel=channel_id, channel_name=CHANNEL)
    home = home_of(bot, standin, DESIGNER)
    assert standin.calls_to("views.publish", ok=True)[-1].args["user_id"] == DESIGNER
    assert len(home["blocks"]) <= 100
    assert "`/release mine` lists them all" in json.dumps(home)


def test_only_homes_people_have_opened_are_republished_when_their_work_changes(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command("claim artwork", user=DESIGNER, **room)
    bot.settle()
    assert not [c for c in standin.calls_to("views.publish") if c.args["user_id"] == DESIGNER]
    home_of(bot, standin, DESIGNER)
    bot.command("claim master", user=DESIGNER, **room)
    bot.settle()
    published = [c for c in standin.calls_to("views.publish", ok=True) if c.args["user_id"] == DESIGNER]
    assert len(published) == 2 and "*Final master audio*" in json.dumps(published[-1].args["view"])
