"""Buttons on checklist messages (Claim, Done, Block… with its modal), through signed interactivity payloads."""

from __future__ import annotations

import logging

from sqlmodel import select

from storage.db import session_scope
from storage.models import Activity, Blocker
from tests.support.harness import button_click, view_submission
from tests.support.people import DESIGNER, DISTRIBUTION
from tests.support.story import (
    STALL_SECONDS,
    button_click_in_actions,
    checklist,
    interact_on_a_slow_database,
    item,
    message_text,
    open_release,
    press,
)


def test_claim_and_done_buttons_update_the_message_in_place(bot, standin):
    channel_id, _ = open_release(bot, standin)
    message = checklist(standin, channel_id)["artwork"]
    assert button_click_in_actions(message, "checklist_claim")["text"]["text"] == "Claim"
    press(bot, standin, channel_id, "artwork", "checklist_claim", DESIGNER)
    assert item(bot, "artwork").owner_id == DESIGNER
    updated = checklist(standin, channel_id)["artwork"]
    assert updated["ts"] == message["ts"] and f"<@{DESIGNER}>" in message_text(updated)
    assert "You own" in standin.responses("artwork")[0]["text"]
    press(bot, standin, channel_id, "artwork", "checklist_done", DESIGNER)
    assert item(bot, "artwork").state == "done"
    assert not any(b["type"] == "actions" for b in checklist(standin, channel_id)["artwork"]["blocks"])


def test_claim_button_on_someone_elses_item_is_refused_privately(bot, standin):
    channel_id, _ = open_release(bot, standin)
    press(bot, standin, channel_id, "master", "checklist_claim", DESIGNER)
    press(bot, standin, channel_id, "master", "checklist_claim", DISTRIBUTION, stale=True)
    assert item(bot, "master").owner_id == DESIGNER
    assert f"owned by <@{DESIGNER}>" in standin.responses("master")[-1]["text"]


def test_block_button_opens_a_modal_whose_submission_blocks_it(bot, standin):
    channel_id, _ = open_release(bot, standin)
    trigger = standin.issue_trigger_id()
    press(bot, standin, channel_id, "metadata", "checklist_block", DISTRIBUTION, trigger_id=trigger)
    opened = standin.calls_to("views.open", ok=True)
    assert len(opened) == 1
    view = opened[0].response["view"]
    empty = submission(view, DISTRIBUTION, "")
    status, _, answer = bot.interact(empty)
    assert status == 200 and '"response_action": "errors"' in answer.replace('":"', '": "')
    status, _, _ = bot.interact(submission(view, DISTRIBUTION, "ISRCs <!channel> not issued"))
    bot.settle()
    with session_scope(bot.engine) as session:
        blocker = session.exec(select(Blocker)).one()
    assert status == 200 and blocker.reason == "ISRCs <!channel> not issued" and blocker.raised_by == DISTRIBUTION
    posted = [m for m in standin.messages(channel_id) if "blocked *Metadata" in m["text"]]
    assert len(posted) == 1 and "&lt;!channel&gt;" in posted[0]["text"]


def submission(view: dict, user: str, reason: str) -> dict:
    return view_submission(view, user, {"reason": {"reason_input": {"type": "plain_text_input", "value": reason}}})


def test_a_click_is_acknowledged_at_once_however_slow_the_database(bot, standin, monkeypatch):
    """Slack gives an ack three seconds: a click's must not wait on its transaction, nor on keeping it."""
    channel_id, _ = open_release(bot, standin)
    click = done_click(bot, standin, channel_id, "artwork", DESIGNER)
    status, answer, acked = interact_on_a_slow_database(bot, monkeypatch, click)
    assert status == 200 and not answer.strip()
    assert acked < STALL_SECONDS, f"the ack waited {acked:.1f} s on a database stalled for {STALL_SECONDS} s"
    assert item(bot, "artwork").state == "done", "the click still took effect once the database answered"
    assert len(standin.responses("artwork")) == 1, "and its answer came, once"


def test_the_same_click_sent_twice_is_one_click(bot, standin):
    channel_id, _ = open_release(bot, standin)
    click = done_click(bot, standin, channel_id, "artwork", DESIGNER)
    for _ in range(2):
        status, _, _ = bot.interact(click)
        assert status == 200
    bot.settle()
    with session_scope(bot.engine) as session:
        done = session.exec(select(Activity).where(Activity.action == "done")).all()
    assert len(done) == 1 and len(standin.responses("artwork")) == 1


def test_a_tampered_button_value_is_dropped_with_one_log_line(bot, standin, caplog):
    channel_id, _ = open_release(bot, standin)
    click = done_click(bot, standin, channel_id, "artwork", DESIGNER)
    click["actions"][0]["value"] = "1 OR 1=1"
    status, _, answer = bot.interact(click)
    bot.settle()
    assert status == 200 and not answer.strip()
    dropped = [r for r in caplog.records if "no button of ours" in r.getMessage()]
    assert len(dropped) == 1 and dropped[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert item(bot, "artwork").state == "open" and not standin.responses("artwork")


def done_click(bot, standin, channel_id: str, key: str, user: str) -> dict:
    message = checklist(standin, channel_id)[key]
    return button_click(
        message, "checklist_done", user=user, channel=channel_id, response_url=standin.response_url(key)
    )
