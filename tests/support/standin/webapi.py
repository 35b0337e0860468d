"""Slack's Web API methods for messages, conversations, reactions, pins and people.

Each method checks what Slack checks and raises ``SlackError`` before it changes anything, so
a refused call leaves no trace but its record. Scopes and required arguments come from
``methods.json`` (Slack's method reference); error names are the ones that reference lists.
views.py adds the modal, Home tab and OAuth methods to the same table.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from pathlib import Path

from tests.support.standin.blockkit import Invalid, check_blocks
from tests.support.standin.state import APP_ID, BOT_ID, BOT_USER, SlackError, Unsupported, World

METHODS: dict[str, dict] = json.loads((Path(__file__).parent / "methods.json").read_text())
METHODS.pop("_about")
MESSAGE_TEXT = 40_000  # chat.postMessage / postEphemeral text
UPDATE_TEXT = 4_000  # chat.update: "The text field cannot exceed 4,000 characters"
TOPIC = 250
CHANNEL_NAME_LENGTH = 80
INVITE_USERS = 100
CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
EMOJI_NAME = re.compile(r"[a-z0-9_+'-]+")

HANDLERS = {}


def method(name: str):
    def register(handler):
        HANDLERS[name] = handler
        return handler

    return register


def call(world: World, name: str, args: dict) -> dict:
    """Scopes, then required arguments (with the method's own error for a missing one), then the method."""
    spec = METHODS[name]
    if world.scopes is not None and spec["scopes"] and not world.scopes & set(spec["scopes"]):
        raise SlackError("missing_scope", needed=",".join(spec["scopes"]), provided=",".join(sorted(world.scopes)))
    for arg in spec["required"]:
        if args.get(arg) is None:
            if arg in spec["missing"]:
                raise SlackError(spec["missing"][arg])
            raise invalid_arguments(f"missing required field: {arg}")
    return HANDLERS[name](world, args)


def invalid_arguments(problem: str) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {problem}"]})


def truthy(value) -> bool:
    return value in (True, 1, "1", "true", "True")


def _blocks(args: dict) -> list | None:
    """``blocks`` as a list or a JSON string; ``invalid_blocks`` carries Slack's reason."""
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            raise SlackError("invalid_blocks_format") from None
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    try:
        check_blocks(blocks)
    except Invalid as problem:
        messages = [f"[ERROR] {problem}"]
        raise SlackError("invalid_blocks", errors=[str(problem)], response_metadata={"messages": messages}) from None
    return [with_block_id(block) for block in blocks]


def with_block_id(block: dict) -> dict:
    """Slack gives every block without a ``block_id`` a random one; interactivity payloads name it."""
    return block if "block_id" in block else {**block, "block_id": secrets.token_urlsafe(3)}


def _content(args: dict, *, text_limit: int) -> tuple[str | None, list | None]:
    blocks = _blocks(args)
    text = args.get("text")
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if text and len(text) > text_limit:
        raise SlackError("msg_too_long")
    return text, blocks


def _check_name(world: World, name: str, renaming: dict | None = None) -> None:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > CHANNEL_NAME_LENGTH:
        raise SlackError("invalid_name_maxlength")
    if not CHANNEL_NAME.fullmatch(name):
        raise SlackError("invalid_name_specials")  # upper case included
    if not re.search(r"[a-z0-9]", name):
        raise SlackError("invalid_name_punctuation")
    taken = world.channel_by_name(name)
    if taken is not None and taken is not renaming:
        raise SlackError("name_taken")  # archived channels keep their names


def can_post(world: World, channel: dict) -> None:
    """Members post; others need chat:write.public and a public channel."""
    if BOT_USER not in channel["members"] and (channel["is_private"] or not world.has_scope("chat:write.public")):
        raise SlackError("not_in_channel")
    if channel["is_archived"]:
        raise SlackError("is_archived")


# -- auth, users ----------------------------------------------------------------------------------
@method("auth.test")
def auth_test(world: World, args: dict) -> dict:
    return {
        "url": f"https://{world.team_domain}.slack.com/",
        "team": world.team_name,
        "user": world.users[BOT_USER]["name"],
        "team_id": world.team_id,
        "user_id": BOT_USER,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


@method("users.info")
def users_info(world: World, args: dict) -> dict:
    return {"user": world.user_json(world.person(args["user"]), locale=truthy(args.get("include_locale")))}


@method("users.lookupByEmail")
def users_lookup_by_email(world: World, args: dict) -> dict:
    email = str(args["email"]).lower()
    user = next((u for u in world.users.values() if u["email"].lower() == email), None)
    if user is None:
        raise SlackError("users_not_found")
    return {"user": world.user_json(user)}


# -- conversations --------------------------------------------------------------------------------
@method("conversations.create")
def conversations_create(world: World, args: dict) -> dict:
    name = str(args["name"])
    _check_name(world, name)
    channel = world.add_channel(name, members={BOT_USER}, is_private=truthy(args.get("is_private")))
    return {"channel": world.channel_json(channel)}


@method("conversations.rename")
def conversations_rename(world: World, args: dict) -> dict:
    channel = world.member_of(args["channel"])
    name = str(args["name"])
    _check_name(world, name, renaming=channel)
    if name != channel["name"]:
        channel["previous_names"].insert(0, channel["name"])
        channel["name"] = name
    return {"channel": world.channel_json(channel)}


@method("conversations.invite")
def conversations_invite(world: World, args: dict) -> dict:
    """All or nothing, unless ``force``: then the valid users get in and the rest come back in ``errors``."""
    channel = world.member_of(args["channel"])
    users = [u.strip() for u in str(args["users"]).split(",") if u.strip()]
    if not users:
        raise SlackError("no_user")
    if len(users) > INVITE_USERS:
        raise SlackError("too_many_users")
    problems = []
    for user_id in users:
        user = world.users.get(user_id)
        if user_id == BOT_USER:
            problems.append({"user": user_id, "ok": False, "error": "cant_invite_self"})
        elif user is None:
            problems.append({"user": user_id, "ok": False, "error": "user_not_found"})
        elif user["deleted"]:
            problems.append({"user": user_id, "ok": False, "error": "cant_invite"})
    refused = {p["user"] for p in problems}
    valid = [u for u in users if u not in refused]
    if problems and not (truthy(args.get("force")) and valid):
        raise SlackError(problems[0]["error"], errors=problems)
    joining = [u for u in valid if u not in channel["members"]]
    if not joining:
        already = [{"user": u, "ok": False, "error": "already_in_channel"} for u in valid]
        raise SlackError("already_in_channel", errors=already)
    channel["members"].update(joining)
    answer = {"channel": world.channel_json(channel)}
    if problems:
        answer["errors"] = problems
    return answer


@method("conversations.join")
def conversations_join(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    if channel["is_im"]:
        raise SlackError("method_not_supported_for_channel_type")
    if channel["is_archived"]:
        raise SlackError("is_archived")
    if BOT_USER in channel["members"]:
        warned = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
        return {"channel": world.channel_json(channel)} | warned
    channel["members"].add(BOT_USER)
    return {"channel": world.channel_json(channel)}


@method("conversations.info")
def conversations_info(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    return {"channel": world.channel_json(channel, num_members=truthy(args.get("include_num_members")))}


@method("conversations.members")
def conversations_members(world: World, args: dict) -> dict:
    """Paged like Slack: ``limit`` (default 100, at most 1000) and an opaque ``next_cursor``."""
    members = sorted(world.visible(args["channel"])["members"])
    try:
        limit = int(args.get("limit") or 100)
    except ValueError:
        raise SlackError("invalid_limit") from None
    if not 1 <= limit <= 1000:
        raise SlackError("invalid_limit")
    start = 0
    if args.get("cursor"):
        try:
            start = int(base64.b64decode(args["cursor"]).decode().removeprefix("offset:"))
        except ValueError:
            raise SlackError("invalid_cursor") from None
    end = start + limit
    cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(members) else ""
    return {"members": members[start:end], "response_metadata": {"next_cursor": cursor}}


@method("conversations.setTopic")
def conversations_set_topic(world: World, args: dict) -> dict:
    channel = world.member_of(args["channel"])
    topic = str(args["topic"])
    if len(topic) > TOPIC:
        raise SlackError("too_long")
    channel["topic"] = {"value": topic, "creator": BOT_USER, "last_set": int(time.time())}
    return {"channel": world.channel_json(channel)}


@method("conversations.archive")
def conversations_archive(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    if channel["is_im"]:
        raise SlackError("method_not_supported_for_channel_type")
    if channel["is_archived"]:
        raise SlackError("already_archived")
    if BOT_USER not in channel["members"]:
        raise SlackError("not_in_channel")
    channel["is_archived"] = True
    return {}


@method("conversations.open")
def conversations_open(world: World, args: dict) -> dict:
    """A 1:1 DM by ``users`` (or an existing one by ``channel``); deactivated people cannot be DMed anew."""
    if args.get("channel"):
        channel = world.visible(args["channel"])
        if not channel["is_im"]:
            raise SlackError("method_not_supported_for_channel_type")
        return {"channel": world.channel_json(channel) if truthy(args.get("return_im")) else {"id": channel["id"]}}
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 8:
        raise SlackError("too_many_users")
    if len(users) > 1 or truthy(args.get("prevent_creation")):
        raise Unsupported("conversations.open: multi-person DMs and prevent_creation are not modelled")
    user = world.person(users[0])
    if user["deleted"]:
        raise SlackError("user_disabled")
    existing = world.im_for(user["id"])
    channel = existing or world.im_for(user["id"], create=True)
    answer = {"channel": world.channel_json(channel) if truthy(args.get("return_im")) else {"id": channel["id"]}}
    return answer | ({"no_op": True, "already_open": True} if existing else {})


# -- messages -------------------------------------------------------------------------------------
@method("chat.postMessage")
def chat_post_message(world: World, args: dict) -> dict:
    """A user id as ``channel`` posts to the DM with that user.

    Slack accepts that for deactivated users too: their DM history still exists
    (slackapi/python-slack-sdk#1156).
    """
    ref = str(args["channel"])
    dm_user = ref if ref[:1] in {"U", "W"} else None
    if dm_user is not None and dm_user not in world.users:
        raise SlackError("channel_not_found")
    channel = None if dm_user else world.visible(ref)
    if channel is not None:
        can_post(world, channel)
    text, blocks = _content(args, text_limit=MESSAGE_TEXT)
    if channel is None:
        channel = world.im_for(dm_user, create=True)
    thread_ts = args.get("thread_ts")
    message = {
        "type": "message",
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": world.team_id,
        "text": text or "",
        "blocks": blocks or [],
        "attachments": args.get("attachments") or [],
        "ts": world.next_ts(),
        "thread_ts": thread_ts,
        "reactions": [],
    }
    parent = next((m for m in channel["messages"] if m["ts"] == thread_ts), None)
    if parent is not None:
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        parent["thread_ts"] = parent["ts"]
    channel["messages"].append(message)
    return {"channel": channel["id"], "ts": message["ts"], "message": world.message_json(message)}


@method("chat.update")
def chat_update(world: World, args: dict) -> dict:
    """Only the bot's own messages; blocks or text left out keep their old value."""
    ref = str(args["channel"])
    if ref[:1] in {"U", "W"}:
        raise SlackError("channel_not_found")  # Slack: "ensure that this value is a DM ID ... instead of a User ID"
    channel = world.visible(ref)
    if channel["is_archived"]:
        raise SlackError("is_inactive")
    message = world.message(channel, args["ts"])
    if message["user"] != BOT_USER:
        raise SlackError("cant_update_message")
    text, blocks = _content(args, text_limit=UPDATE_TEXT)
    if text is not None:
        message["text"] = text
    if blocks is not None:
        message["blocks"] = blocks
    message["edited"] = {"user": BOT_ID, "ts": world.next_ts()}
    shaped = world.message_json(message)
    return {"channel": channel["id"], "ts": message["ts"], "text": message["text"], "message": shaped}


@method("chat.delete")
def chat_delete(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    message = world.message(channel, args["ts"])
    if message["user"] != BOT_USER:
        raise SlackError("cant_delete_message")
    channel["messages"].remove(message)
    if message["ts"] in channel["pins"]:
        channel["pins"].remove(message["ts"])
    return {"channel": channel["id"], "ts": message["ts"]}


@method("chat.postEphemeral")
def chat_post_ephemeral(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    can_post(world, channel)
    if args["user"] not in channel["members"]:
        raise SlackError("user_not_in_channel")
    text, blocks = _content(args, text_limit=MESSAGE_TEXT)
    ts = world.next_ts()
    channel["ephemeral"].append({"user": args["user"], "text": text or "", "blocks": blocks or [], "ts": ts})
    return {"message_ts": ts}


@method("chat.getPermalink")
def chat_get_permalink(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    message = world.message(channel, args["message_ts"])
    link = f"https://{world.team_domain}.slack.com/archives/{channel['id']}/p{message['ts'].replace('.', '')}"
    if message["thread_ts"] not in (None, message["ts"]):
        link += f"?thread_ts={message['thread_ts']}&cid={channel['id']}"
    return {"channel": channel["id"], "permalink": link}


# -- reactions and pins ---------------------------------------------------------------------------
def _reacted_message(world: World, args: dict) -> tuple[dict, str]:
    if not args.get("channel") or not args.get("timestamp"):
        raise SlackError("no_item_specified")
    channel = world.visible(args["channel"])
    if channel["is_archived"]:
        raise SlackError("is_archived")
    message = world.message(channel, args["timestamp"])
    name = str(args["name"]).strip(":")
    if not EMOJI_NAME.fullmatch(name):
        raise SlackError("invalid_name")
    return message, name


@method("reactions.add")
def reactions_add(world: World, args: dict) -> dict:
    message, name = _reacted_message(world, args)
    reaction = next((r for r in message["reactions"] if r["name"] == name), None)
    if reaction is not None and BOT_USER in reaction["users"]:
        raise SlackError("already_reacted")
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        message["reactions"].append(reaction)
    reaction["users"].append(BOT_USER)
    reaction["count"] += 1
    return {}


@method("reactions.remove")
def reactions_remove(world: World, args: dict) -> dict:
    message, name = _reacted_message(world, args)
    reaction = next((r for r in message["reactions"] if r["name"] == name), None)
    if reaction is None or BOT_USER not in reaction["users"]:
        raise SlackError("no_reaction")
    reaction["users"].remove(BOT_USER)
    reaction["count"] -= 1
    if not reaction["users"]:
        message["reactions"].remove(reaction)
    return {}


@method("pins.add")
def pins_add(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    if not args.get("timestamp"):
        raise SlackError("no_item_specified")
    if BOT_USER not in channel["members"]:
        raise SlackError("not_in_channel")
    world.message(channel, args["timestamp"])
    if args["timestamp"] in channel["pins"]:
        raise SlackError("already_pinned")
    channel["pins"].append(args["timestamp"])
    return {}


@method("pins.remove")
def pins_remove(world: World, args: dict) -> dict:
    channel = world.visible(args["channel"])
    if not args.get("timestamp"):
        raise SlackError("no_item_specified")
    world.message(channel, args["timestamp"])
    if args["timestamp"] not in channel["pins"]:
        raise SlackError("not_pinned")
    channel["pins"].remove(args["timestamp"])
    return {}
