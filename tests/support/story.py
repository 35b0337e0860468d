"""A release as the tests tell it: the one they open, and how they read and press its checklist."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

from sqlalchemy import event
from sqlmodel import select

from messages.ids import ActionId
from storage import inbox
from storage.db import session_scope
from storage.models import Deliverable
from tests.support.harness import TEAM, BotUnderTest, action_ts
from tests.support.people import ARTIST_MANAGER, DESIGNER, DISTRIBUTION, PM
from tests.support.standin.limits import FAULT_RETRY_AFTER


def waited_as_asked(bot, standin) -> bool:
    """Slack refused some calls, each 429 waited exactly its Retry-After and each 5xx at most one backoff
    (the bot's waits are recorded, never slept)."""
    rate_limited = [c for c in standin.calls if c.status == 429]
    server_errors = [c for c in standin.calls if c.status >= 500]
    retry_afters = [wait for wait in bot.waits if wait == FAULT_RETRY_AFTER]
    backoffs = len(bot.waits) - len(retry_afters)
    return bool(rate_limited) and len(retry_afters) == len(rate_limited) and backoffs <= len(server_errors)


def tick(bot, when: datetime):
    bot.clock.now = when
    report = bot.runtime.ticker.tick(when)
    bot.settle()
    return report


def posts(standin, channel_id: str, words: str) -> list[dict]:
    return [m for m in standin.messages(channel_id) if words in m["text"] + message_text(m)]


def dm_texts(standin, user: str) -> list[str]:
    return [m["text"] + message_text(m) for m in standin.dms(user)]


def item(bot, key: str) -> Deliverable:
    with session_scope(bot.engine) as session:
        return session.exec(select(Deliverable).where(Deliverable.key == key)).one()


def button_click_in_actions(message, action_id):
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                return element
    raise AssertionError(f"no {action_id} button")


def press(bot, standin, channel_id, key, action_id, user, *, stale=False, **extra):
    message = checklist(standin, channel_id)[key]
    if stale:  # the person still sees the message as it was before someone else clicked
        message = {**message, "blocks": message["blocks"]}
    element = (
        button_click_in_actions(message, action_id)
        if not stale
        else {"action_id": action_id, "text": {"type": "plain_text", "text": "Claim"}, "value": str(item(bot, key).id)}
    )
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0RELEASE",
        "token": "verification-token",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": "000.trigger",
        "team": {"id": TEAM, "domain": "label"},
        "channel": {"id": channel_id, "name": CHANNEL},
        "message": message,
        "response_url": standin.response_url(key),
        "actions": [{"action_id": action_id, "block_id": "actions", "text": element["text"], "value": element["value"],
                     "type": "button", "action_ts": action_ts()}],
        **extra,
    }  # fmt: skip
    status, _, _ = bot.interact(payload)
    bot.settle()
    assert status == 200


CHANNEL = "rel-2027-03-12-nova-lane-midnight-drive"


NEW = (
    f'new "Midnight Drive" by Nova Lane on 2027-03-12 playbook single pm <@{PM}|paula> '
    f"team <@{DESIGNER}|dee> <@{DISTRIBUTION}> <@{ARTIST_MANAGER}|mika>"
)


def checklist(standin, channel_id):
    """Checklist messages by deliverable key, read from what Slack holds (replies in their threads are not)."""
    found = {}
    for message in standin.messages(channel_id):
        if message.get("thread_ts") not in (None, message["ts"]):
            continue
        for block in message.get("blocks") or []:
            if block.get("type") == "section" and "`" in block.get("text", {}).get("text", ""):
                key = block["text"]["text"].split("`")[1]
                found[key] = message
                break
    return found


def message_text(message) -> str:
    return "\n".join(b.get("text", {}).get("text", "") for b in message.get("blocks") or [] if "text" in b)


def open_release(bot: BotUnderTest, standin):
    reply = bot.command(NEW, user=PM)
    assert reply.status == 200 and "Setting up *Midnight Drive*" in reply.text
    bot.settle()
    channel = standin.channel_by_name(CHANNEL)
    assert channel is not None, f"no channel {CHANNEL}"
    return channel["id"], reply


def checklist_posts(standin, channel_id: str) -> Counter:
    """How many times chat.postMessage put each checklist message in the channel: by the id of the deliverable
    its Done button finishes, and the release's overview as ``"overview"``."""
    counted: Counter = Counter()
    for call in standin.calls_to("chat.postMessage", ok=True):
        if call.args.get("channel") != channel_id:
            continue
        if call.args.get("text", "").endswith("release overview"):
            counted["overview"] += 1
        for element in (e for b in call.args.get("blocks") or [] for e in b.get("elements", [])):
            if element.get("action_id") == ActionId.DONE:
                counted[int(element["value"])] += 1
    return counted


# How long the slowed database keeps the inbox's write waiting (an ack must not wait that long).
STALL_SECONDS = 2.0


def interact_on_a_slow_database(bot, monkeypatch, payload: dict) -> tuple[int, str, float]:
    """Send ``payload`` while the inbox's write stalls for STALL_SECONDS and every statement of the work
    takes 0.2 s more; the status, the answer and how long the ack took, once the work has settled."""
    keep = inbox.put
    monkeypatch.setattr(inbox, "put", lambda *args, **kwargs: time.sleep(STALL_SECONDS) or keep(*args, **kwargs))

    def slow(*_) -> None:
        time.sleep(0.2)

    event.listen(bot.engine, "before_cursor_execute", slow)
    try:
        started = time.perf_counter()
        status, _, answer = bot.interact(payload)
        acked = time.perf_counter() - started
        bot.settle()
    finally:
        event.remove(bot.engine, "before_cursor_execute", slow)
    return status, answer, acked


def escalated(message: dict) -> list[str]:
    """The item sections of an escalation digest message (each names one deliverable in its block id)."""
    return [b["text"]["text"] for b in message.get("blocks") or [] if b.get("block_id", "").startswith("escalated:")]


def digests(standin, conversation: str) -> list[dict]:
    """The escalation digests a channel, or a person's DM with the bot (by their user id), holds, oldest first."""
    messages = standin.dms(conversation) if conversation[:1] in "UW" else standin.messages(conversation)
    return [m for m in messages if escalated(m)]
