"""The Slack app manifest: everything Slack must know about Releasebot, to paste into api.slack.com/apps.

With a public URL, Slack sends commands, events and interactivity there (HTTP mode, and the OAuth
redirect for installs in several workspaces); without one, Socket Mode is switched on and the bot
connects out with ``SLACK_APP_TOKEN``.
"""

from __future__ import annotations

from bot.runtime.server import SLACK_PATH
from bot.slack.installs import BOT_SCOPES
from messages.ids import ShortcutId

# The events handlers listen to (handlers/events.py, handlers/reactions.py); ``message`` is subscribed to per
# kind of conversation (MESSAGE_EVENTS).
MESSAGE_EVENTS = ("message.channels", "message.groups")
BOT_EVENTS = (
    "app_home_opened",
    "app_uninstalled",
    "member_joined_channel",
    "member_left_channel",
    *MESSAGE_EVENTS,
    "reaction_added",
    "reaction_removed",
    "tokens_revoked",
)
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


def manifest(url: str | None = None) -> dict:
    """The manifest for an app served at ``url`` (e.g. https://releasebot.label.com), or Socket Mode."""
    base = url.rstrip("/") if url else None
    endpoint = {"url": base + SLACK_PATH} if base else {}
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Releasebot",
            "description": "Runs music releases: checklists, owners, blockers, standups and reminders.",
            "background_color": "#1d1c3b",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,  # the bot writes DMs with buttons; it reads none
            },
            "bot_user": {"display_name": "releasebot", "always_online": True},
            "slash_commands": [
                {
                    "command": "/release",
                    "description": "Run a release: new, status, claim, done, block, mine, help",
                    "usage_hint": "help | new | status | claim <deliverable> | done <deliverable>",
                    # Mentions arrive as <@U123|name>, which is how the parser reads people.
                    "should_escape": True,
                    **endpoint,
                }
            ],
            "shortcuts": [
                {
                    "name": "Add as deliverable",
                    "type": "message",
                    "callback_id": ShortcutId.ADD_AS_DELIVERABLE.value,
                    "description": "Turn this message into a deliverable of the release",
                }
            ],
        },
        "oauth_config": {
            **({"redirect_urls": [base + OAUTH_REDIRECT_PATH]} if base else {}),
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            "event_subscriptions": {
                **({"request_url": base + SLACK_PATH} if base else {}),
                "bot_events": list(BOT_EVENTS),
            },
            "interactivity": {"is_enabled": True, **({"request_url": base + SLACK_PATH} if base else {})},
            "org_deploy_enabled": False,
            "socket_mode_enabled": base is None,
            "token_rotation_enabled": False,
        },
    }
