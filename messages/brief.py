"""The artist's weekly brief in Slack: the draft's words, the PM's DM with Send, Edit and Skip, what that DM
becomes once decided, the edit modal, and the post itself (exactly the PM's text)."""

from __future__ import annotations

from datetime import datetime

from messages.ids import ActionId
from messages.modals import MAX_BRIEF
from messages.render import MAX_SECTION_TEXT, Message, actions, button, clip, context, escape_mrkdwn, header, words
from storage.models import Release

ACTIONS_BLOCK = "brief_actions"


def draft(facts, *, lang: str) -> str:
    """The draft, in plain text, from the allow-listed facts (:class:`bot.release.artist.brief.BriefFacts`)."""
    return clip(str(words("brief", lang).draft(facts)).strip(), MAX_BRIEF)


def _plain(text: str) -> dict:
    return {"type": "section", "text": {"type": "plain_text", "text": clip(text, MAX_SECTION_TEXT), "emoji": False}}


def offer(brief_id: int, release: Release, channel: str, text: str, *, edited_by: str | None = None,
          problem: str | None = None, lang: str) -> Message:  # fmt: skip
    """The PM's DM: the brief as it would be posted, and Send, Edit and Skip."""
    w = words("brief", lang)
    note = str(w.edited(edited_by)) if edited_by else str(w.offer(channel))
    value = str(brief_id)
    buttons = [
        {**button(str(w.send()), ActionId.BRIEF_SEND, value), "style": "primary"},
        button(str(w.edit()), ActionId.BRIEF_EDIT, value),
        button(str(w.skip()), ActionId.BRIEF_SKIP, value),
    ]
    blocks = [header(str(w.title(release))), context(note), _plain(text)]
    if problem:
        blocks.append(context(problem))
    blocks.append({**actions(buttons), "block_id": ACTIONS_BLOCK})
    return _dm(release, blocks, lang=lang)


def not_posted(channel: str, code: str, *, lang: str) -> str:
    return str(words("brief", lang).not_posted(channel, code))


def sent(release: Release, channel: str, text: str, *, by: str, at: datetime, lang: str) -> Message:
    """The DM once sent: what went out, where, by whom and when; no buttons."""
    return _decided(release, text, str(words("brief", lang).sent(channel, by, at)), lang=lang)


def skipped(release: Release, text: str, *, by: str, at: datetime, lang: str) -> Message:
    return _decided(release, text, str(words("brief", lang).skipped(by, at)), lang=lang)


def _decided(release: Release, text: str, note: str, *, lang: str) -> Message:
    return _dm(release, [header(str(words("brief", lang).title(release))), _plain(text), context(note)], lang=lang)


def _dm(release: Release, blocks: list[dict], *, lang: str) -> Message:
    """The PM's DM about the brief; its notification names the release, escaped (a title pings nobody)."""
    return Message(text=escape_mrkdwn(words("brief", lang).title(release)), blocks=blocks)


def post(text: str) -> Message:
    """What the brief channel gets: exactly the PM's text, shown as typed (nothing in it pings or links)."""
    return Message(text=escape_mrkdwn(text), blocks=[_plain(text)])
