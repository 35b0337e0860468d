"""The stand-in's world: one workspace, its people, channels, messages, views and OAuth grants.

Plain dicts, so tests can read (and arrange) them directly; the server's lock guards every
change. The Web API methods in webapi.py and views.py read and change this state only.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime
from zoneinfo import ZoneInfo

BOT_USER = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A0RELEASE"

# Slack's long zone names (users.info ``tz_label``) for the abbreviations zoneinfo gives.
TZ_LABELS = {
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "UTC": "Coordinated Universal Time",
}


class SlackError(Exception):
    """An ``ok: false`` answer (HTTP 200): Slack's error code plus any fields Slack adds to it."""

    def __init__(self, error: str, **extra):
        super().__init__(error)
        self.error = error
        self.extra = extra


class Unsupported(Exception):
    """Something Slack would do that the stand-in does not model; answered 501 so it cannot pass silently."""


class World:
    def __init__(self, *, team_id: str, team_name: str, team_domain: str, tokens, scopes, clock):
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.tokens: set[str] = set(tokens)
        self.scopes: set[str] | None = None if scopes is None else set(scopes)  # None: no scope checks
        self.clock = clock  # monotonic seconds: trigger ids and response_urls age by it
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.views: dict[str, dict] = {}
        self.files: dict[str, dict] = {}  # standin/files.py; file_host is where upload and download URLs point
        self.file_host = ""
        self.home_views: dict[str, dict] = {}
        self.triggers: dict[str, float | None] = {}  # trigger_id -> issued at (clock), None once exchanged
        self.oauth: dict = {"client_id": None, "client_secret": None, "redirect_uri": None, "grants": {}}
        # Socket Mode: app-level tokens, and where apps.connections.open sends the app (standin/socket.py).
        self.app_tokens: set[str] = set()
        self.socket_url: str | None = None
        self._ids = itertools.count(1001)
        self._last_ts = 0
        self.add_user(BOT_USER, name="releasebot", is_bot=True)

    # -- arranging ------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str = "Europe/Berlin",
        email: str | None = None,
        is_bot: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        locale: str = "en-US",
    ) -> dict:
        user = {
            "id": user_id,
            "name": name,
            "real_name": name.title(),
            "tz": tz,
            "email": email or f"{name}@{self.team_domain}.example",
            "is_bot": is_bot,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "deleted": deleted,
            "locale": locale,
        }
        self.users[user_id] = user
        return user

    def add_channel(
        self, name: str, *, members=(), is_private=False, channel_id: str | None = None, creator: str = BOT_USER
    ) -> dict:
        channel = {
            "id": channel_id or self.new_id("G" if is_private else "C"),
            "name": name,
            "is_im": False,
            "is_private": is_private,
            "is_archived": False,
            "created": int(time.time()),
            "creator": creator,
            "members": set(members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
            "messages": [],
            "ephemeral": [],
            "pins": [],
        }
        self.channels[channel["id"]] = channel
        return channel

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def next_ts(self) -> str:
        """A message ts like Slack's: wall-clock seconds and microseconds, unique and increasing."""
        micros = max(time.time_ns() // 1000, self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- looking up -----------------------------------------------------------------------------
    def im_for(self, user_id: str, *, create: bool = False) -> dict | None:
        """The bot's DM with ``user_id`` (Slack keeps exactly one)."""
        found = next((c for c in self.channels.values() if c["is_im"] and c["user"] == user_id), None)
        if found is None and create:
            found = self.add_channel("", members={user_id, BOT_USER}, is_private=True, channel_id=self.new_id("D"))
            found |= {"is_im": True, "user": user_id}
        return found

    def channel_by_name(self, name: str) -> dict | None:
        return next((c for c in self.channels.values() if c["name"] == name and not c["is_im"]), None)

    def visible(self, ref) -> dict:
        """A conversation the bot can see, by id (or ``#name``): private ones only when it is a member."""
        ref = str(ref or "")
        channel = self.channels.get(ref) or (self.channel_by_name(ref.removeprefix("#")) if ref else None)
        if channel is None or (channel["is_private"] and BOT_USER not in channel["members"]):
            raise SlackError("channel_not_found")
        return channel

    def member_of(self, ref) -> dict:
        """A conversation the bot is in (``not_in_channel`` otherwise) and that is not archived."""
        channel = self.visible(ref)
        if BOT_USER not in channel["members"]:
            raise SlackError("not_in_channel")
        if channel["is_archived"]:
            raise SlackError("is_archived")
        return channel

    def person(self, user_id) -> dict:
        user = self.users.get(str(user_id or ""))
        if user is None:
            raise SlackError("user_not_found")
        return user

    @staticmethod
    def message(channel: dict, ts) -> dict:
        found = next((m for m in channel["messages"] if m["ts"] == ts), None)
        if found is None:
            raise SlackError("message_not_found")
        return found

    def has_scope(self, scope: str) -> bool:
        return self.scopes is not None and scope in self.scopes

    # -- shapes of real responses (../shared/slack/api_response_shapes/) -------------------------
    def channel_json(self, channel: dict, *, num_members: bool = False) -> dict:
        if channel["is_im"]:
            return {
                "id": channel["id"],
                "created": channel["created"],
                "is_archived": channel["is_archived"],
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "updated": channel["created"] * 1000,
                "user": channel["user"],
                "is_user_deleted": self.users[channel["user"]]["deleted"],
                "priority": 0,
            }
        shaped = {
            "id": channel["id"],
            "name": channel["name"],
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel["is_private"],
            "created": channel["created"],
            "is_archived": channel["is_archived"],
            "is_general": False,
            "unlinked": 0,
            "name_normalized": channel["name"],
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "updated": channel["created"] * 1000,
            "creator": channel["creator"],
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "pending_connected_team_ids": [],
            "is_member": BOT_USER in channel["members"],
            "topic": dict(channel["topic"]),
            "purpose": dict(channel["purpose"]),
            "previous_names": list(channel["previous_names"]),
        }
        if num_members:
            shaped["num_members"] = len(channel["members"])
        return shaped

    def user_json(self, user: dict, *, locale: bool = False) -> dict:
        """users.info's user; tz_offset and tz_label are today's, as Slack answers them."""
        now = datetime.now(ZoneInfo(user["tz"]))
        abbreviation = now.tzname() or ""
        profile = {
            "real_name": user["real_name"],
            "real_name_normalized": user["real_name"],
            "display_name": user["name"],
            "display_name_normalized": user["name"],
            "team": self.team_id,
        }
        if self.scopes is None or "users:read.email" in self.scopes:
            profile["email"] = user["email"]
        if user["is_bot"]:
            profile |= {"bot_id": BOT_ID, "api_app_id": APP_ID, "always_active": True}
        shaped = {
            "id": user["id"],
            "team_id": self.team_id,
            "name": user["name"],
            "deleted": user["deleted"],
            "real_name": user["real_name"],
            "tz": user["tz"],
            "tz_label": TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": int(now.utcoffset().total_seconds()),
            "profile": profile,
            "is_admin": user["is_admin"],
            "is_owner": user["is_owner"],
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user["is_bot"],
            "is_app_user": False,
            "updated": int(time.time()),
        }
        if locale:
            shaped["locale"] = user["locale"]
        return shaped

    @staticmethod
    def message_json(message: dict) -> dict:
        """A message as the API returns it: without empty ``thread_ts``, ``attachments`` or ``reactions``."""
        return {k: v for k, v in message.items() if v not in (None, []) or k in {"text", "blocks"}}
