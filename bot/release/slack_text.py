"""Slack's message text as people's words: mentions (``<@U123>``, ``<@U123|name>``), links, emphasis, and
the ``&amp; &lt; &gt;`` escaping Slack applies to what people type."""

from __future__ import annotations

import re
import unicodedata

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")  # a channel picked with #, as Slack sends it
# What people type to clear a setting that names a channel, people or days.
NONE_WORDS = frozenset({"none", "off", "-", "unset"})
LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")  # <https://…|label>, <#C123|channel>
BARE = re.compile(r"<[#!]?([^<>]+)>")  # <https://…>, <#C123>
EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")  # *bold*, _italic_, ~struck~, not snake_case
MAX_NAME = 150
# Unicode categories that show nothing: format characters (zero-width space and joiners, word joiner,
# byte-order mark …), controls, and separators.
INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# Letters and symbols that draw nothing, used to pass "must not be empty" checks: the Hangul fillers and
# the blank braille pattern (unicodedata has no "shows nothing" property; a dependency for five is too much).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def mentions(text: str) -> list[str]:
    """The user ids ``text`` mentions, in order."""
    return MENTION.findall(text)


def unescape(text: str) -> str:
    """Undo Slack's escaping of ``& < >`` in free text (mentions already taken out)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def name_from(text: str) -> str:
    """A deliverable name from a message: its first line, Slack markup turned back into plain words."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    plain = unescape(EMPHASIS.sub("", BARE.sub(r"\1", LINK.sub(r"\2", MENTION.sub("", first)))))
    return " ".join(plain.split()).strip(" ,;:-")[:MAX_NAME]


def first_mention(text: str, *, but: str | None) -> str | None:
    """The first person ``text`` mentions other than ``but`` (the bot: it owns no work)."""
    return next((u for u in mentions(text) if u != but), None)


def is_blank(text: str) -> bool:
    """Nothing a reader would see: empty, spaces, or invisible characters only."""
    return all(ch.isspace() or ch in BLANK_LETTERS or unicodedata.category(ch) in INVISIBLE for ch in text)


def has_nul(text: str) -> bool:
    """A NUL byte (often pasted from a terminal) is no text a database keeps."""
    return "\x00" in text
