"""A signed request sent again, byte for byte with its headers, inside the five minutes Slack's signature
is accepted: it is acknowledged (an empty 200), changes nothing and is answered nowhere a second time."""

from __future__ import annotations

import json
import urllib.parse

from sqlmodel import func, select

from bot.runtime.server import SLACK_PATH
from storage.db import session_scope
from storage.models import Activity, Deliverable, Release
from tests.support import slackreq
from tests.support.harness import SIGNING_SECRET, TEAM
from tests.support.people import DESIGNER, PM
from tests.support.story import CHANNEL, checklist, item, open_release


def signed(body: str) -> dict:
    """A request's headers, signed once, to send as often as a replayer likes."""
    return slackreq.sign(body, SIGNING_SECRET) | {"Content-Type": slackreq.FORM}


def command_body(standin, text: str, *, channel: str, key: str) -> str:
    return slackreq.slash_command_body(
        text, user_id=PM, channel_id=channel, channel_name=CHANNEL, team_id=TEAM,
        response_url=standin.response_url(key), trigger_id=f"trigger-{key}",
    )  # fmt: skip


def named(bot, name: str) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Deliverable).where(Deliverable.name == name)).one()


def test_a_replayed_command_after_its_work_changes_nothing_and_is_not_answered_again(bot, standin):
    channel_id, _ = open_release(bot, standin)
    body = command_body(standin, 'add "Protocol probe"', channel=channel_id, key="probe")
    headers = signed(body)
    for _ in range(2):
        status, _, ack = slackreq.post(bot.url + SLACK_PATH, body, headers)
        bot.settle()
        assert (status, ack) == (200, "")
    assert named(bot, "Protocol probe") == 1
    assert len(standin.responses("probe")) == 1, "one answer"
    assert sum("Protocol probe" in m["text"] for m in standin.messages(channel_id)) == 1, "one checklist message"


def test_a_replayed_command_while_the_first_is_still_kept_is_turned_away_at_the_inbox(bot, standin, clock, monkeypatch):
    channel_id, _ = open_release(bot, standin)
    body = command_body(standin, 'add "Protocol probe"', channel=channel_id, key="probe")
    headers = signed(body)
    kept = []
    monkeypatch.setattr(bot.runtime.inbox, "_submit", kept.append)  # kept, its work not started yet
    answers = [slackreq.post(bot.url + SLACK_PATH, body, headers) for _ in range(2)]
    assert [(status, ack) for status, _, ack in answers] == [(200, ""), (200, "")]
    assert len(kept) == 1 and bot.runtime.inbox.waiting() == 1
    monkeypatch.undo()
    clock.advance(minutes=6)  # its lease runs out: the next look takes it up
    assert bot.runtime.inbox.resume() == 1
    bot.settle()
    assert named(bot, "Protocol probe") == 1 and len(standin.responses("probe")) == 1


def test_the_same_words_sent_again_by_slack_are_a_new_command(bot, standin):
    """Each command Slack sends is signed anew (its own trigger id and timestamp): only replays are one."""
    channel_id, _ = open_release(bot, standin)
    for key in ("first", "second"):
        bot.post(command_body(standin, "status", channel=channel_id, key=key), content_type=slackreq.FORM)
        bot.settle()
        assert len(standin.responses(key)) == 1


def test_a_replayed_done_click_is_applied_and_answered_once(bot, standin):
    channel_id, _ = open_release(bot, standin)
    message = checklist(standin, channel_id)["artwork"]
    done = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == "checklist_done")  # fmt: skip
    payload = {
        "type": "block_actions",
        "user": {"id": DESIGNER, "username": "dee", "name": "dee", "team_id": TEAM},
        "team": {"id": TEAM, "domain": "label"},
        "trigger_id": "000.trigger",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel_id},
        "channel": {"id": channel_id, "name": CHANNEL},
        "message": message,
        "response_url": standin.response_url("click"),
        "actions": [{"action_id": "checklist_done", "block_id": "actions", "value": done["value"], "type": "button",
                     "action_ts": "1700000000.000001"}],
    }  # fmt: skip
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    headers = signed(body)
    updates_before = len(standin.calls_to("chat.update"))
    for _ in range(2):
        status, _, ack = slackreq.post(bot.url + SLACK_PATH, body, headers)
        bot.settle()
        assert (status, ack) == (200, "")
    assert item(bot, "artwork").state == "done"
    with session_scope(bot.engine) as session:
        marked = session.exec(select(func.count()).select_from(Activity).where(Activity.action == "done")).one()
    assert marked == 1 and len(standin.responses("click")) == 1, "done once, told once"
    assert len(standin.calls_to("chat.update")) == updates_before + 1, "the checklist message updated once"


def test_a_replayed_form_submission_creates_one_release(bot, standin):
    from tests.slack.test_forms import NEW_RELEASE, filled, new_release_form

    submission = filled(new_release_form(bot, standin), PM, NEW_RELEASE)
    body = slackreq.interactivity_body(submission)
    headers = signed(body)
    for _ in range(2):
        status, _, ack = slackreq.post(bot.url + SLACK_PATH, body, headers)
        bot.settle()
        assert (status, ack) == (200, "")
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Release)).all()) == 1
    assert not any("already exists" in m["text"] for m in standin.dms(PM)), "the replay is not answered"


def test_a_replayed_refused_command_is_refused_once(bot, standin):
    channel_id, _ = open_release(bot, standin)
    body = command_body(standin, "claim no-such-deliverable", channel=channel_id, key="refused")
    headers = signed(body)
    for _ in range(2):
        assert slackreq.post(bot.url + SLACK_PATH, body, headers)[0] == 200
        bot.settle()
    (answer,) = standin.responses("refused")
    assert "no-such-deliverable" in answer["text"]


def test_a_replayed_refused_click_is_refused_once(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command("claim artwork", user=PM, channel=channel_id, channel_name=CHANNEL)
    message = checklist(standin, channel_id)["artwork"]
    payload = {
        "type": "block_actions",
        "user": {"id": DESIGNER, "team_id": TEAM},
        "team": {"id": TEAM},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel_id},
        "channel": {"id": channel_id},
        "message": message,
        "response_url": standin.response_url("taken"),
        "actions": [{"action_id": "checklist_claim", "value": str(item(bot, "artwork").id), "type": "button"}],
    }
    body = slackreq.interactivity_body(payload)
    headers = signed(body)
    for _ in range(2):
        assert slackreq.post(bot.url + SLACK_PATH, body, headers)[0] == 200
        bot.settle()
    (answer,) = standin.responses("taken")
    assert f"owned by <@{PM}>" in answer["text"] and item(bot, "artwork").owner_id == PM
