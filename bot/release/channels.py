"""Release channel names: valid for Slack, readable, unique."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_CHANNEL_NAME = 80
PREFIX = "rel"


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (Slack allows a-z, 0-9, - and _)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def channel_name(release_date: date, artist: str | None, title: str) -> str:
    """``rel-2027-03-12-nova-lane-midnight-drive``, cut at a word boundary to fit 80 chars."""
    parts = [PREFIX, release_date.isoformat(), slug(artist or ""), slug(title)]
    name = "-".join(p for p in parts if p)
    if len(name) > MAX_CHANNEL_NAME:
        name = name[:MAX_CHANNEL_NAME].rsplit("-", 1)[0]
    return name


def with_suffix(name: str, attempt: int) -> str:
    """The name for the ``attempt``-th retry after ``name_taken``: ``…-2``, ``…-3``, still ≤ 80 chars."""
    if attempt < 2:
        return name
    suffix = f"-{attempt}"
    return name[: MAX_CHANNEL_NAME - len(suffix)].rstrip("-") + suffix
