"""Modals, Home tabs, app installation and Socket Mode: the Web API methods that are not about messages.

Registered into webapi's method table. Trigger ids work once and for 3 seconds, as Slack's do;
tests get valid ones from ``SlackStandIn.issue_trigger_id`` and OAuth codes from
``SlackStandIn.issue_oauth_code``.
"""

from __future__ import annotations

import json
import secrets
import time

from tests.support.standin.blockkit import Invalid, check_view
from tests.support.standin.state import APP_ID, BOT_ID, BOT_USER, SlackError, World
from tests.support.standin.webapi import invalid_arguments, method, with_block_id

TRIGGER_SECONDS = 3.0
VIEW_BYTES = 250_000  # view_too_large: "greater than 250kb"


def _checked_view(args: dict, *, home: bool = False) -> dict:
    view = args["view"]
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except ValueError:
            raise invalid_arguments("invalid JSON [json-pointer:/view]") from None
    if len(json.dumps(view)) > VIEW_BYTES:
        raise SlackError("view_too_large")
    try:
        check_view(view, home=home)
    except Invalid as problem:
        raise invalid_arguments(str(problem)) from None
    return view


def _exchange_trigger(world: World, args: dict) -> None:
    """Use up a trigger id: unknown ones are invalid, used ones exchanged, old ones expired."""
    trigger = args.get("trigger_id") or args.get("interactivity_pointer")
    if not trigger:
        raise invalid_arguments("missing required field: trigger_id")
    if trigger not in world.triggers:
        raise SlackError("invalid_trigger_id")
    issued = world.triggers[trigger]
    if issued is None:
        raise SlackError("exchanged_trigger_id")
    if world.clock() - issued > TRIGGER_SECONDS:
        raise SlackError("expired_trigger_id")
    world.triggers[trigger] = None


def _store(world: World, view: dict, *, replacing: dict | None = None) -> dict:
    """The view as Slack returns it (id, hash, state ...); an update keeps its id."""
    external_id = view.get("external_id", "")
    clash = next((v for v in world.views.values() if external_id and v["external_id"] == external_id), None)
    if clash is not None and clash is not replacing:
        raise SlackError("duplicate_external_id")
    view_id = replacing["id"] if replacing else world.new_id("V")
    stored = {
        "id": view_id,
        "team_id": world.team_id,
        "type": view["type"],
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": [with_block_id(block) for block in view["blocks"]],
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": external_id,
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": replacing["root_view_id"] if replacing else view_id,
        "previous_view_id": None,
        "app_id": APP_ID,
        "app_installed_team_id": world.team_id,
        "bot_id": BOT_ID,
    }
    world.views[view_id] = stored
    return stored


def _check_hash(args: dict, stored: dict | None) -> None:
    if args.get("hash") and stored is not None and args["hash"] != stored["hash"]:
        raise SlackError("hash_conflict")


@method("views.open")
def views_open(world: World, args: dict) -> dict:
    view = _checked_view(args)
    _exchange_trigger(world, args)
    return {"view": _store(world, view)}


@method("views.push")
def views_push(world: World, args: dict) -> dict:
    """Like views.open (the stand-in does not track the modal stack, so no push_limit_reached)."""
    return views_open(world, args)


@method("views.update")
def views_update(world: World, args: dict) -> dict:
    if not args.get("view_id") and not args.get("external_id"):
        raise invalid_arguments("missing required field: view_id")
    by_external_id = (
        v for v in world.views.values() if args.get("external_id") and v["external_id"] == args["external_id"]
    )
    stored = world.views.get(args.get("view_id") or "") or next(by_external_id, None)
    if stored is None:
        raise SlackError("not_found")
    view = _checked_view(args, home=stored["type"] == "home")
    _check_hash(args, stored)
    return {"view": _store(world, view, replacing=stored)}


@method("views.publish")
def views_publish(world: World, args: dict) -> dict:
    user = world.person(args["user_id"])
    view = _checked_view(args, home=True)
    current = world.home_views.get(user["id"])
    _check_hash(args, current)
    stored = _store(world, view, replacing=current)
    world.home_views[user["id"]] = stored
    return {"view": stored}


@method("oauth.v2.access")
def oauth_v2_access(world: World, args: dict) -> dict:
    """An install's code exchange: client credentials, a one-time code, then a bot token that works here."""
    oauth = world.oauth
    if oauth["client_id"] is None or args.get("client_id") != oauth["client_id"]:
        raise SlackError("invalid_client_id")
    if args.get("client_secret") != oauth["client_secret"]:
        raise SlackError("bad_client_secret")
    grant = oauth["grants"].get(args.get("code"))
    if grant is None:
        raise SlackError("invalid_code")
    if oauth["redirect_uri"] is not None and args.get("redirect_uri") != oauth["redirect_uri"]:
        raise SlackError("bad_redirect_uri")
    del oauth["grants"][args["code"]]
    token = f"xoxb-{world.team_id}-{secrets.token_hex(8)}"
    world.tokens.add(token)
    return {
        "access_token": token,
        "token_type": "bot",
        "scope": ",".join(grant["scopes"]),
        "bot_user_id": BOT_USER,
        "app_id": APP_ID,
        "team": {"name": world.team_name, "id": world.team_id},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": grant["installer"]},
    }


@method("apps.connections.open")
def apps_connections_open(world: World, args: dict) -> dict:
    """Socket Mode: the WebSocket address to connect to (one per call, as Slack's carry a ticket)."""
    if world.socket_url is None:
        raise SlackError("invalid_auth")
    return {"url": f"{world.socket_url}?ticket={secrets.token_hex(8)}"}
