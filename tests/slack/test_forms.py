"""Forms and clicks: the new-release form, the "Add as deliverable" shortcut, Home buttons, Snooze on a checklist.

Payloads are shaped like ../shared/slack/payloads/interactivity/ (view_submission with a datepicker
and selects as in view_submission.static_select_datepicker.java_sdk.json, Home clicks as in
block_actions.home_tab_button.java_sdk.raw.json); forms open only with a trigger id the stand-in
issued, as Slack's views.open requires.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.release.bounds import todays_on_earth
from messages.ids import Field, ShortcutId
from storage import inbox
from storage.db import session_scope
from storage.models import Blocker, Deliverable, Release
from tests.support.harness import TEAM, button_click, buttons, view_submission
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.story import (
    CHANNEL,
    STALL_SECONDS,
    interact_on_a_slow_database,
    item,
    message_text,
    open_release,
    press,
)

USER_FIELDS = {Field.PM: "selected_user", Field.OWNER: "selected_user", Field.TEAM: "selected_users"}


# -- helpers ------------------------------------------------------------------------------------


def opened_form(standin) -> dict:
    """The form the bot opened just after its ack (views.open runs once the listener has returned)."""
    opened = standin.wait_for(lambda: standin.calls_to("views.open", ok=True), what="a views.open Slack accepted")
    return opened[-1].response["view"]


def inputs_of(view: dict) -> dict[str, dict]:
    """The input elements of a view by block id."""
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def filled(view: dict, user: str, answers: dict) -> dict:
    """A view_submission of ``view`` with ``answers`` (Field → value) in Slack's ``state.values`` shape;
    fields left out keep what the form showed (an empty text input is ``value: null``, as Slack sends it)."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        field, element = Field(block["block_id"]), block["element"]
        answer = answers.get(field)
        state = {"type": element["type"]}
        if element["type"] == "datepicker":
            state["selected_date"] = answer.isoformat() if answer else element.get("initial_date")
        elif element["type"] == "static_select":
            offered = [o for o in element["options"] if o["value"] == answer]
            unknown = {"text": {"type": "plain_text", "text": str(answer), "emoji": True}, "value": answer}
            state["selected_option"] = (offered or [unknown])[0] if answer else element.get("initial_option")
        elif field in USER_FIELDS:
            state[USER_FIELDS[field]] = answer if answer is not None else element.get("initial_user")
        else:
            state["value"] = answer if answer is not None else element.get("initial_value")
        values[block["block_id"]] = {element["action_id"]: state}
    return view_submission(view, user, values)


def errors_of(answer: str) -> dict:
    body = json.loads(answer)
    assert body["response_action"] == "errors", body
    return body["errors"]


def closed(status: int, answer: str) -> bool:
    """The ack that closes a modal: HTTP 200 with an empty body (no ``response_action``)."""
    return status == 200 and not answer.strip()


def releases(bot) -> list[Release]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Release)).all())


def deliverables_named(bot, name: str) -> list[Deliverable]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Deliverable).where(Deliverable.name == name)).all())


def items(standin, channel_id: str) -> dict[str, dict]:
    """Checklist messages by key: unlike ``test_story.checklist``, not the one-section replies that name a key."""
    found = {}
    for message in standin.messages(channel_id):
        blocks = message.get("blocks") or []
        if len(blocks) > 1 and blocks[0]["type"] == "section" and "`" in blocks[0]["text"]["text"]:
            found[blocks[0]["text"]["text"].split("`")[1]] = message
    return found


def dm_texts(standin, user: str) -> list[str]:
    return [m["text"] for m in standin.dms(user)]


NEW_RELEASE = {
    Field.TITLE: "Midnight Drive",
    Field.ARTIST: "Nova Lane",
    Field.RELEASE_DATE: date(2027, 3, 12),
    Field.PLAYBOOK: "single",
    Field.TEAM: [DESIGNER, DISTRIBUTION],
}


def new_release_form(bot, standin, user: str = PM) -> dict:
    reply = bot.command("new", user=user, trigger_id=standin.issue_trigger_id())
    assert reply.status == 200 and reply.ack == {}, f"the command only opens the form: {reply.ack}"
    bot.settle()
    assert standin.responses(reply.response_key) == [], "and says nothing else"
    return opened_form(standin)


# -- 1. /release new alone opens the form ------------------------------------------------------------


def test_release_new_alone_opens_a_form_with_the_commands_fields(bot, standin):
    view = new_release_form(bot, standin)
    assert view["type"] == "modal" and view["callback_id"] == "new_release"
    fields = inputs_of(view)
    assert {block: element["type"] for block, element in fields.items()} == {
        "title": "plain_text_input",
        "artist": "plain_text_input",
        "release_date": "datepicker",
        "playbook": "static_select",
        "pm": "users_select",
        "team": "multi_users_select",
    }
    assert all(element["action_id"] == block for block, element in fields.items()), "values[field][field]"
    assert [o["value"] for o in fields["playbook"]["options"]] == ["single", "ep", "album"]
    assert fields["playbook"]["initial_option"]["value"] == "single"
    assert fields["pm"]["initial_user"] == PM, "whoever opens it is the PM unless they pick someone else"
    optional = {b["block_id"] for b in view["blocks"] if b["type"] == "input" and b.get("optional")}
    assert optional == {"artist", "team"}
    assert releases(bot) == [], "opening the form creates nothing"


def test_a_used_trigger_id_opens_no_form_and_the_command_still_answers_at_once(bot, standin):
    trigger = standin.issue_trigger_id()
    bot.command("new", user=PM, trigger_id=trigger)
    bot.settle()
    reply = bot.command("new", user=PM, trigger_id=trigger)
    assert reply.status == 200
    bot.settle()
    assert [c.response.get("error") for c in standin.calls_to("views.open")] == [None, "exchanged_trigger_id"]


def test_the_homes_new_release_button_opens_the_same_form(bot, standin):
    home = home_of(bot, standin, PM)
    click = button_click(home, "home_new_release", user=PM)
    click["trigger_id"] = standin.issue_trigger_id()
    assert bot.interact(click)[0] == 200
    assert opened_form(standin)["callback_id"] == "new_release"


# -- 2. a valid submission creates the release ---------------------------------------------------------


def test_submitting_the_form_creates_the_release_as_the_command_does_and_only_once(bot, standin):
    view = new_release_form(bot, standin, ARTIST_MANAGER)
    submission = filled(view, ARTIST_MANAGER, NEW_RELEASE | {Field.PM: PM, Field.PLAYBOOK: "ep"})
    status, _, answer = bot.interact(submission)
    assert closed(status, answer), answer
    bot.settle()
    (release,) = releases(bot)
    assert (release.title, release.artist, release.release_date, release.playbook) == (
        "Midnight Drive",
        "Nova Lane",
        date(2027, 3, 12),
        "ep",
    )
    assert release.pm_id == PM and release.created_by == ARTIST_MANAGER
    assert release.team_members == [DESIGNER, DISTRIBUTION]
    created = standin.calls_to("conversations.create", ok=True)
    assert [c.args["name"] for c in created] == [CHANNEL]
    channel = standin.channel_by_name(CHANNEL)
    assert release.channel_id == channel["id"]
    assert {PM, ARTIST_MANAGER, DESIGNER, DISTRIBUTION} <= set(channel["members"])
    with session_scope(bot.engine) as session:
        planned = session.exec(select(Deliverable).where(Deliverable.release_id == release.id)).all()
    assert planned and set(items(standin, channel["id"])) == {d.key for d in planned}, "one message per item"
    told = dm_texts(standin, ARTIST_MANAGER)
    assert any("Setting up *Midnight Drive*" in t and "*ep* playbook" in t for t in told), "the answer by DM"
    assert any(f"is ready in <#{channel['id']}>" in t for t in told), "and where the channel is, once it is"
    assert not standin.dms(PM) or not any("Setting up" in t for t in dm_texts(standin, PM))

    # A second click on Create: Slack sends it with a trigger id of its own (the same request sent again is
    # a replay, tests/slack/test_replayed.py).
    status, _, answer = bot.interact(submission | {"trigger_id": "111.222.second"})
    bot.settle()
    assert closed(status, answer)
    assert len(releases(bot)) == 1 and len(standin.calls_to("conversations.create")) == 1
    assert "already exists" in dm_texts(standin, ARTIST_MANAGER)[-1]


def test_a_double_click_on_create_arriving_at_once_creates_one_release(bot, standin):
    """Slack sends both submissions of a double click; they race, and ``_same_release`` must still hold."""
    submission = filled(new_release_form(bot, standin), PM, NEW_RELEASE)
    answers = []
    # Each with its own trigger id, as Slack sends them (identical bytes would be a replay, turned away earlier).
    clicks = [
        threading.Thread(
            target=lambda trigger=trigger: answers.append(bot.interact(submission | {"trigger_id": trigger}))
        )
        for trigger in ("111.222.first", "111.222.second")
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    bot.settle()
    assert [status for status, _, _ in answers] == [200, 200]
    assert len(releases(bot)) == 1, "two releases (and two channels) from one double click"


def test_the_form_is_acknowledged_at_once_however_slow_the_database(bot, standin, monkeypatch):
    """The form closes within Slack's three seconds; the release is made after, once the database answers."""
    submission = filled(new_release_form(bot, standin), PM, NEW_RELEASE)
    status, answer, acked = interact_on_a_slow_database(bot, monkeypatch, submission)
    assert closed(status, answer) and acked < STALL_SECONDS, f"the ack waited {acked:.1f} s"
    assert [r.title for r in releases(bot)] == ["Midnight Drive"]


def test_what_only_the_database_can_refuse_comes_by_dm_after_the_form_closed(bot, standin):
    """A date that is past in the workspace's timezone but not everywhere on Earth yet."""
    bot.command("settings timezone Pacific/Kiritimati", user=ADMIN)  # UTC+14: already tomorrow there
    tomorrow_somewhere = bot.clock().astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    yesterday_there = tomorrow_somewhere - timedelta(days=1)
    assert yesterday_there >= todays_on_earth(bot.clock())[0], "still today somewhere: the payload cannot tell"
    view = new_release_form(bot, standin)
    status, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.RELEASE_DATE: yesterday_there}))
    bot.settle()
    assert closed(status, answer)
    assert "is in the past" in dm_texts(standin, PM)[-1]
    assert releases(bot) == []


# -- 3. inline errors -----------------------------------------------------------------------------------


def test_a_past_date_or_an_empty_title_is_shown_under_its_field_and_nothing_is_created(bot, standin):
    view = new_release_form(bot, standin)
    status, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.RELEASE_DATE: date(2026, 12, 1)}))
    assert status == 200
    assert errors_of(answer) == {"release_date": "2026-12-01 is in the past. Give a release date from today on."}
    status, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.TITLE: None}))
    assert status == 200 and errors_of(answer) == {"title": "Give the release a title."}
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.TITLE: "   "}))
    assert errors_of(answer) == {"title": "Give the release a title."}
    _, _, answer = bot.interact(filled(view, PM, {Field.TITLE: "Midnight Drive"}))
    assert errors_of(answer) == {"release_date": "Pick the release date."}
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.RELEASE_DATE: date(2040, 1, 6)}))
    assert "more than 5 years away" in errors_of(answer)["release_date"]
    bot.settle()
    assert releases(bot) == []
    assert not standin.calls_to("conversations.create") and not standin.dms(PM)


def test_a_playbook_gone_since_the_form_opened_is_shown_under_the_playbook(bot, standin):
    view = new_release_form(bot, standin)
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.PLAYBOOK: "mixtape"}))
    assert "no playbook called “mixtape”" in errors_of(answer)["playbook"]
    assert releases(bot) == []


# -- 4. the App Home ---------------------------------------------------------------------------------


def home_of(bot, standin, user: str) -> dict:
    status, _, _ = bot.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    assert status == 200
    bot.settle()
    return standin.home_views[user]


def notice_of(home: dict) -> str | None:
    """The answer a Home click put on top: the context block right under the intro."""
    top = home["blocks"][2]
    return top["elements"][0]["text"] if top["type"] == "context" else None


def home_click(bot, standin, user: str, action_id: str, *, index: int = 0, **extra) -> dict:
    """Click a button on ``user``'s published Home (block_actions with a ``view`` container)."""
    click = button_click(standin.home_views[user], action_id, user=user, index=index) | extra
    status, _, answer = bot.interact(click)
    assert status == 200 and not answer.strip()
    bot.settle()
    return click


def test_opening_the_home_publishes_the_viewers_own_deliverables_only(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, channel=channel_id, channel_name=CHANNEL)
    bot.settle()
    bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D0DEE", "tab": "messages"})
    bot.settle()
    assert DESIGNER not in standin.home_views, "the Messages tab is not the Home"
    home = home_of(bot, standin, DESIGNER)
    published = standin.calls_to("views.publish", ok=True)[-1]
    assert published.args["user_id"] == DESIGNER and home["type"] == "home"
    text = json.dumps(home)
    assert "Your deliverables (1)" in text and "*Cover artwork* `artwork`" in text
    assert notice_of(home) is None
    done = [e for _, e in buttons(home["blocks"]) if e["action_id"] == "checklist_done"]
    assert [e["value"] for e in done] == [str(item(bot, "artwork").id)], "buttons for their own work only"
    assert "Your deliverables (0)" in json.dumps(home_of(bot, standin, DISTRIBUTION))


def test_done_from_the_home_finishes_it_updates_the_checklist_and_republishes_with_a_notice(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, channel=channel_id, channel_name=CHANNEL)
    home_of(bot, standin, DESIGNER)
    home_click(bot, standin, DESIGNER, "checklist_done")
    done = item(bot, "artwork")
    assert done.state == "done" and done.done_by == DESIGNER
    home = standin.home_views[DESIGNER]
    assert notice_of(home) == ":white_check_mark: *Cover artwork* `artwork` is done."
    assert "Your deliverables (0)" in json.dumps(home)
    assert ":white_check_mark:" in message_text(items(standin, channel_id)["artwork"]), "the channel follows"
    assert standin.calls_to("views.publish", ok=True)[-1].args["user_id"] == DESIGNER


def test_claim_from_the_homes_up_for_grabs_takes_it_and_says_so_on_the_home(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command('add "Press photo" due 2027-01-08', user=PM, channel=channel_id, channel_name=CHANNEL)
    home = home_of(bot, standin, DESIGNER)
    assert "Press photo" in json.dumps(home), "unclaimed and due soon: up for grabs on everyone's Home"
    claims = [e for _, e in buttons(home["blocks"]) if e["action_id"] == "checklist_claim"]
    index = next(i for i, e in enumerate(claims) if e["value"] == str(item(bot, "press-photo").id))
    home_click(bot, standin, DESIGNER, "checklist_claim", index=index)
    assert item(bot, "press-photo").owner_id == DESIGNER
    home = standin.home_views[DESIGNER]
    assert notice_of(home).startswith(":raised_hand: You own *Press photo*")
    assert "Your deliverables (1)" in json.dumps(home)
    assert f"<@{DESIGNER}>" in message_text(items(standin, channel_id)["press-photo"])


def test_block_from_the_home_opens_the_reason_form_whose_submission_blocks_it(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command(f"assign metadata <@{DISTRIBUTION}>", user=PM, channel=channel_id, channel_name=CHANNEL)
    home_of(bot, standin, DISTRIBUTION)
    home_click(bot, standin, DISTRIBUTION, "checklist_block", trigger_id=standin.issue_trigger_id())
    form = opened_form(standin)
    assert form["callback_id"] == "block_reason" and form["private_metadata"] == f"{item(bot, 'metadata').id}|en"
    submission = {**filled({"blocks": []}, DISTRIBUTION, {}), "view": {**form, "state": {"values": {
        "reason": {"reason_input": {"type": "plain_text_input", "value": "ISRCs not issued"}}}}}}  # fmt: skip
    status, _, answer = bot.interact(submission)
    assert closed(status, answer)
    bot.settle()
    with session_scope(bot.engine) as session:
        blocker = session.exec(select(Blocker)).one()
    assert blocker.deliverable_id == item(bot, "metadata").id and blocker.raised_by == DISTRIBUTION
    assert any("blocked *Metadata" in m["text"] for m in standin.messages(channel_id))
    assert ":no_entry:" in message_text(items(standin, channel_id)["metadata"])


def test_snooze_from_the_home_quiets_it_and_the_home_shows_until_when(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, channel=channel_id, channel_name=CHANNEL)
    home_of(bot, standin, DESIGNER)
    home_click(bot, standin, DESIGNER, "snooze_deliverable")
    assert item(bot, "artwork").snoozed_until == date(2027, 1, 5)
    home = standin.home_views[DESIGNER]
    assert notice_of(home).startswith(":zzz: Reminders for *Cover artwork* are quiet until Tue 5 Jan 2027")
    assert ":zzz: until Tue 5 Jan 2027" in json.dumps(home)


def test_a_stale_home_cannot_change_an_archived_release(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, **room)
    stale = home_of(bot, standin, DESIGNER)
    assert bot.command("archive", user=PM, **room).public
    bot.settle()
    assert "Cover artwork" not in json.dumps(standin.home_views[DESIGNER]), "archiving refreshes the owners' Homes"
    status, _, _ = bot.interact(button_click(stale, "checklist_done", user=DESIGNER))  # a Home open since before
    bot.settle()
    assert status == 200 and item(bot, "artwork").state == "open", "an archived release does not change"
    assert "archived" in notice_of(standin.home_views[DESIGNER])


def test_a_refusal_on_the_home_speaks_the_viewers_language_like_its_answers(bot, standin):
    standin.users[DESIGNER]["locale"] = "de-DE"
    channel_id, _ = open_release(bot, standin)
    bot.command('add "Press photo" due 2027-01-08', user=PM, channel=channel_id, channel_name=CHANNEL)
    home_of(bot, standin, DESIGNER)
    bot.command("claim press-photo", user=DISTRIBUTION, channel=channel_id, channel_name=CHANNEL)
    bot.settle()
    home_click(bot, standin, DESIGNER, "checklist_claim")  # the Home still offers it
    assert item(bot, "press-photo").owner_id == DISTRIBUTION
    assert "*Press photo* gehört <@UDISTRODA>" in notice_of(standin.home_views[DESIGNER])


# -- 5. Snooze on a checklist message -----------------------------------------------------------------


def test_snooze_button_on_a_checklist_message_answers_privately_and_leaves_the_message(bot, standin):
    channel_id, _ = open_release(bot, standin)
    message = items(standin, channel_id)["artwork"]
    snooze = [e for _, e in buttons(message["blocks"]) if e["action_id"] == "snooze_deliverable"]
    assert [e["value"] for e in snooze] == [f"{item(bot, 'artwork').id}:1"]
    press(bot, standin, channel_id, "artwork", "snooze_deliverable", DESIGNER)
    assert item(bot, "artwork").snoozed_until == date(2027, 1, 5)
    (answer,) = standin.responses("artwork")
    assert answer["response_type"] == "ephemeral" and answer.get("replace_original") is False
    assert "quiet until Tue 5 Jan 2027" in answer["text"]
    updated = items(standin, channel_id)["artwork"]
    assert updated["ts"] == message["ts"], "updated in place, not posted again"
    assert ":zzz: Reminders quiet until Tue 5 Jan 2027" in json.dumps(updated["blocks"]), "the channel sees it too"


def test_snooze_on_a_checklist_message_of_finished_work_is_refused_privately(bot, standin):
    channel_id, _ = open_release(bot, standin)
    stale = items(standin, channel_id)["artwork"]
    bot.command("done artwork", user=DESIGNER, channel=channel_id, channel_name=CHANNEL)
    bot.settle()
    click = button_click(stale, "snooze_deliverable", user=DESIGNER, channel=channel_id,
                         response_url=standin.response_url("stale"))  # fmt: skip
    assert bot.interact(click)[0] == 200
    bot.settle()
    assert item(bot, "artwork").snoozed_until is None
    (answer,) = standin.responses("stale")
    assert answer["response_type"] == "ephemeral" and "already done" in answer["text"]


# -- 6. the "Add as deliverable" message shortcut ------------------------------------------------------


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
        "is_enterprise_install": False,
        "enterprise": None,
        "message": {"type": "message", "user": message["user"], "text": message["text"], "ts": message["ts"]},
        "message_ts": message["ts"],
        "action_ts": "1700000000.000002",
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
    }


def test_add_as_deliverable_turns_a_message_into_a_deliverable(bot, standin):
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, f"*Lyric video* for YouTube, <@{DESIGNER}> can you take it?\nDetails soon")
    status, _, answer = bot.interact(message_action(standin, channel_id, said, PM))
    assert status == 200 and not answer.strip()
    view = opened_form(standin)
    assert view["callback_id"] == "add_deliverable"
    fields = inputs_of(view)
    assert fields["name"]["initial_value"] == "Lyric video for YouTube, can you take it?", (
        "markup and mentions left out"
    )
    assert fields["owner"]["initial_user"] == DESIGNER, "the first person the message mentions is suggested as owner"
    assert fields["due"]["type"] == "datepicker"
    status, _, answer = bot.interact(
        filled(view, PM, {Field.NAME: "Lyric video", Field.OWNER: DISTRIBUTION, Field.DUE: date(2027, 3, 1)})
    )
    assert closed(status, answer), answer
    bot.settle()
    (added,) = deliverables_named(bot, "Lyric video")
    assert (added.owner_id, added.due_date, added.due_pinned, added.key) == (
        DISTRIBUTION,
        date(2027, 3, 1),
        True,
        "lyric-video",
    )
    posted = items(standin, channel_id)["lyric-video"]
    assert "*Lyric video*" in message_text(posted) and f"Owner <@{DISTRIBUTION}>" in message_text(posted)
    said_in_channel = [m["text"] for m in standin.messages(channel_id)]
    assert any(f"<@{PM}> added *Lyric video* `lyric-video`, due Mon 1 Mar 2027" in t for t in said_in_channel)
    assert any("gave you *Lyric video*" in t for t in dm_texts(standin, DISTRIBUTION)), "the new owner hears by DM"


def test_add_as_deliverable_does_not_suggest_the_bot_as_owner(bot, standin):
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, f"<@UBOT> we need a lyric video, <@{DESIGNER}> maybe?")
    bot.interact(message_action(standin, channel_id, said, PM))
    view = opened_form(standin)
    assert inputs_of(view)["name"]["initial_value"] == "we need a lyric video, maybe?"
    assert inputs_of(view)["owner"]["initial_user"] == DESIGNER, "the first person, not Releasebot"


def add_form_for(bot, standin, text: str) -> tuple[str, dict]:
    """A release's channel and the "Add as deliverable" form opened on the PM's message ``text`` there."""
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, text)
    bot.interact(message_action(standin, channel_id, said, PM))
    return channel_id, opened_form(standin)


def test_add_as_deliverable_with_nothing_but_the_name_is_due_a_week_before_release_and_unowned(bot, standin):
    channel_id, view = add_form_for(bot, standin, "Vinyl test pressing")
    assert "initial_user" not in inputs_of(view)["owner"], "no one mentioned, no one suggested"
    status, _, answer = bot.interact(filled(view, PM, {}))
    assert closed(status, answer), answer
    bot.settle()
    (added,) = deliverables_named(bot, "Vinyl test pressing")
    assert added.owner_id is None and added.due_date == date(2027, 3, 5)
    assert "vinyl-test-pressing" in items(standin, channel_id)


def test_add_as_deliverable_refuses_a_past_date_or_no_name_in_the_form(bot, standin):
    channel_id, view = add_form_for(bot, standin, "Vinyl test pressing")
    status, _, answer = bot.interact(filled(view, PM, {Field.DUE: date(2026, 12, 31)}))
    assert status == 200
    assert errors_of(answer) == {"due": "2026-12-31 is in the past. Give a due date from today on."}
    _, _, answer = bot.interact(filled(view, PM, {Field.NAME: "  ", Field.DUE: date(2027, 2, 1)}))
    assert errors_of(answer) == {"name": "Name the deliverable."}
    bot.settle()
    assert deliverables_named(bot, "Vinyl test pressing") == []
    assert "vinyl-test-pressing" not in items(standin, channel_id)


def test_add_as_deliverable_outside_a_release_channel_is_refused_privately_and_opens_nothing(bot, standin):
    open_release(bot, standin)
    general = standin.add_channel("general", members={PM, "UBOT"})
    elsewhere = standin.post_as(PM, general["id"], "Not a release")
    status, _, _ = bot.interact(message_action(standin, general["id"], elsewhere, PM, response_key="general"))
    assert status == 200
    bot.settle()
    (refusal,) = standin.responses("general")
    assert refusal["response_type"] == "ephemeral"
    assert "“Add as deliverable” works on messages in a release channel" in refusal["text"]
    assert not standin.calls_to("views.open")


def test_add_as_deliverable_in_an_archived_release_channel_is_refused(bot, standin):
    channel_id, _ = open_release(bot, standin)
    said = standin.post_as(PM, channel_id, "One more thing")
    bot.command("archive", user=PM, channel=channel_id, channel_name=CHANNEL)
    bot.settle()
    bot.interact(message_action(standin, channel_id, said, PM, response_key="archived"))
    bot.settle()
    assert "works on messages in a release channel" in standin.responses("archived")[0]["text"]
    assert not standin.calls_to("views.open")


def test_add_as_deliverable_speaks_the_workspaces_language_in_the_channel(bot, standin):
    channel_id, _ = open_release(bot, standin)
    assert "*language* ist jetzt de" in bot.command("settings language de", user=PM).text
    said = standin.post_as(PM, channel_id, "Lyric video")
    bot.interact(message_action(standin, channel_id, said, PM))
    view = opened_form(standin)
    assert "Deliverable" in json.dumps(view, ensure_ascii=False)
    status, _, answer = bot.interact(filled(view, PM, {Field.DUE: date(2027, 3, 1)}))
    assert closed(status, answer), answer
    bot.settle()
    said_in_channel = [m["text"] for m in standin.messages(channel_id)]
    assert any("hat *Lyric video* `lyric-video` hinzugefügt" in t for t in said_in_channel), said_in_channel[-1]


# -- kept from earlier rounds --------------------------------------------------------------------------


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


# -- 4. bounds: what no release could take is refused from the submission alone ----------------------------


def test_a_release_date_out_of_reach_or_a_title_of_nothing_is_refused_before_the_database(bot, standin, monkeypatch):
    view = new_release_form(bot, standin)
    monkeypatch.setattr(inbox, "put", lambda *_, **__: pytest.fail("the submission was kept"))
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.RELEASE_DATE: date(9999, 12, 31)}))
    assert errors_of(answer) == {"release_date": "9999-12-31 is more than 5 years away; check the year."}
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.TITLE: "\u200b\u2060"}))
    assert errors_of(answer)["title"].startswith("The title shows nothing: only spaces or invisible characters")
    _, _, answer = bot.interact(filled(view, PM, NEW_RELEASE | {Field.ARTIST: "Nova\x00Lane"}))
    assert "NUL character" in errors_of(answer)["artist"]
    assert releases(bot) == []


def test_add_as_deliverable_refuses_a_due_date_out_of_reach_a_blank_name_and_a_name_taken(bot, standin):
    channel_id, view = add_form_for(bot, standin, "Vinyl test pressing")
    _, _, answer = bot.interact(filled(view, PM, {Field.DUE: date(9999, 12, 31)}))
    assert errors_of(answer) == {"due": "9999-12-31 is more than 5 years away; check the year."}
    _, _, answer = bot.interact(filled(view, PM, {Field.DUE: date(2028, 1, 3)}))
    assert errors_of(answer)["due"].startswith("2028-01-03 is outside this release's span (release day 2027-03-12)")
    _, _, answer = bot.interact(filled(view, PM, {Field.NAME: "\ufeff"}))
    assert errors_of(answer)["name"].startswith("The name shows nothing")
    bot.settle()
    assert deliverables_named(bot, "Vinyl test pressing") == []
    status, _, answer = bot.interact(filled(view, PM, {Field.NAME: "cover ARTWORK"}))
    bot.settle()
    assert closed(status, answer), "a name taken is for the database to say, after the form closed"
    told = [e["text"] for e in standin.ephemerals(channel_id) if e["user"] == PM]
    assert told and "This release already has *Cover artwork* (`artwork`)" in told[-1]
