"""Buttons: Claim, Done, Block… and Snooze, wherever they are (checklist message, morning DM, App Home), a
catch-up plan's Accept, and a sign-off's Approve and Request changes….

A click is checked from its payload alone, kept in the inbox and acknowledged; its change and answer
(:mod:`bot.jobs.clicks`) follow, so Slack's ack never waits on the database. Block… opens its reason
form (Request changes… its note form) right after the ack, within the three seconds its trigger id lives.
A value no button of ours carries (a tampered payload) is dropped with one log line.
"""

from __future__ import annotations

import hashlib
import logging
import re

from slack_bolt import Ack, App

from bot.jobs import clicks as jobs
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind
from messages.ids import ActionId, AssignBlock, CatchUpValue, SnoozeValue

log = logging.getLogger(__name__)

KIND = "click"
# Our buttons' values are a deliverable id and a word; anything much longer was not made by us.
MAX_VALUE = 40
# A Slack user id as a people picker gives it.
MENTIONABLE = re.compile(r"[UW][A-Z0-9]{2,20}")


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(KIND, Kind(work=lambda item: jobs.apply(runtime, item)))

    @app.action(ActionId.CLAIM)
    @app.action(ActionId.DONE)
    @app.action(ActionId.SNOOZE)
    @app.action(ActionId.SNOOZE_WEEK)
    @app.action(ActionId.ASSIGN)
    @app.action(ActionId.ACCEPT_CATCH_UP)
    @app.action(ActionId.APPROVE)
    def change(ack: Ack, body: dict, action: dict) -> None:
        if readable(action):
            runtime.inbox.accept(KIND, body, key=click_key(body, action))
        ack()

    @app.action(ActionId.BLOCK)
    def block(ack: Ack, body: dict, action: dict) -> None:
        ack()
        if readable(action):
            runtime.after_ack(jobs.open_block_form, runtime, body, int(action["value"]))

    @app.action(ActionId.REQUEST_CHANGES)
    def request_changes(ack: Ack, body: dict, action: dict) -> None:
        ack()
        if readable(action):
            runtime.after_ack(jobs.open_changes_form, runtime, body, int(action["value"]))


def readable(action: dict) -> bool:
    """A value as our buttons carry it (a deliverable id and, for Snooze, until when; a release and its plan for
    Accept), or a picker's person."""
    try:
        if len(action.get("value", "")) > MAX_VALUE:
            raise ValueError("longer than any of ours")
        if action["action_id"] == ActionId.ASSIGN:
            AssignBlock.decode(action.get("block_id", ""))
            if not MENTIONABLE.fullmatch(action.get("selected_user") or ""):
                raise ValueError("no one picked")
        elif action["action_id"] in (ActionId.SNOOZE, ActionId.SNOOZE_WEEK):
            SnoozeValue.decode(action.get("value", ""))
        elif action["action_id"] == ActionId.ACCEPT_CATCH_UP:
            CatchUpValue.decode(action.get("value", ""))
        else:
            int(action.get("value", ""))
    except ValueError:
        log.warning("a %s click with a value no button of ours has was dropped", action.get("action_id"))
        return False
    return True


def click_key(body: dict, action: dict) -> str:
    """A click is the person, the button and Slack's time of the click: the same payload sent again is one click."""
    team = (body.get("team") or {}).get("id", "")
    user = (body.get("user") or {}).get("id", "")
    chosen = action.get("value") or action.get("selected_user") or ""
    click = f"{team}:{user}:{action['action_id']}:{action.get('block_id', '')}:{chosen}:{action.get('action_ts', '')}"
    return "click:" + hashlib.sha256(click.encode()).hexdigest()[:40]
