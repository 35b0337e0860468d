"""Buttons on checklist messages (Claim, Done, Block… with its modal), through signed interactivity payloads."""

from __future__ import annotations

from sqlmodel import select

from storage.db import session_scope
from storage.models import Blocker
from tests.support.harness import view_submission
from tests.support.people import DESIGNER, DISTRIBUTION
from tests.support.story import button_click_in_actions, checklist, item, message_text, open_release, press


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
