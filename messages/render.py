"""Jinja2 for the words, Python for the Block Kit structure.

Each message kind has a template file of macros (``templates/<lang>/<kind>.j2``);
builders call the macros for text and assemble blocks here, within Slack's limits.
User text is escaped with the ``mrkdwn`` filter (``& < >`` only: HTML autoescape is
the wrong escaper for Slack), so a title or reason containing ``<!channel>`` never pings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from messages.formats import format_date, format_money, format_share

TEMPLATES = Path(__file__).parent / "templates"

# Slack's Block Kit limits (docs.slack.dev block reference).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_MESSAGE_TEXT = 40_000
MAX_BUTTON_TEXT = 75


def escape_mrkdwn(value: Any) -> str:
    """Escape user text for mrkdwn: Slack's three control characters and nothing else."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user_mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the code; no stat() per message
    )
    env.filters["mrkdwn"] = escape_mrkdwn
    env.filters["mention"] = user_mention
    env.filters["day"] = format_date
    env.filters["money"] = format_money
    env.filters["share"] = format_share
    return env


LANGUAGES = ("en", "de")


def language_for(locale: str | None, default: str) -> str:
    """A person's language from their Slack locale (``de-DE`` → ``de``) when we speak it, else ``default``."""
    spoken = (locale or "").split("-")[0].lower()
    return spoken if spoken in LANGUAGES else default


@cache
def words(kind: str, lang: str = "en") -> Any:
    """The macros of one message kind, in the requested language (English when missing). Kept once looked
    up: templates ship with the code, and a tick asks for them thousands of times."""
    env = environment()
    name = f"{lang}/{kind}.j2"
    if not (TEMPLATES / name).exists():
        name = f"en/{kind}.j2"
    return env.get_template(name).module


def preload() -> None:
    """Compile every template at start (well under a second): the first tick after a deploy then costs
    what every later one does, and a template that does not compile fails at start, not at 9:30."""
    for path in TEMPLATES.glob("*/*.j2"):
        words(path.stem, path.parent.name)


@dataclass
class Message:
    """What one Slack message needs: blocks, and the plain-text fallback for notifications."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = clip(self.text.strip() or "Releasebot", MAX_MESSAGE_TEXT)
        if len(self.blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"{len(self.blocks)} blocks exceed Slack's {MAX_MESSAGE_BLOCKS}")

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": self.blocks}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def header(text: str) -> dict:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT), "emoji": True},
    }


def context(*texts: str) -> dict:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(t, MAX_SECTION_TEXT)} for t in texts[:MAX_CONTEXT_ELEMENTS]],
    }


def button(text: str, action_id: str, value: str) -> dict:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }


def actions(elements: list[dict]) -> dict:
    """A row of buttons (Slack allows 25 elements per actions block)."""
    return {"type": "actions", "elements": elements[:25]}


def people_picker(placeholder: str, action_id: str) -> dict:
    return {"type": "users_select", "action_id": action_id, "placeholder": {"type": "plain_text", "text": placeholder}}


def divider() -> dict:
    return {"type": "divider"}


def line_list(lines: list[str], *, more: str, limit: int = MAX_SECTION_TEXT, most: int | None = None) -> str:
    """Join lines (at most ``most``) into one section's text; what does not fit ends in "…and N more"."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        tail = more.format(n=len(lines) - index)
        if used + len(line) + 1 + len(tail) + 1 > limit or (most is not None and index == most):
            return "\n".join([*kept, tail])
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def pack_lines(lines: list[str], *, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Lines joined into as few texts as fit ``limit`` each, never splitting a line (a cut mention breaks)."""
    return ["\n".join(run) for run in pack_runs(lines, limit=limit)]


def pack_runs(lines: list[str], *, limit: int = MAX_SECTION_TEXT) -> list[list[str]]:
    """The lines (each clipped to ``limit``) in as few runs as fit ``limit`` once joined, in order."""
    runs: list[list[str]] = []
    used = 0
    for line in lines:
        line = clip(line, limit)
        if runs and used + 1 + len(line) <= limit:
            runs[-1].append(line)
            used += 1 + len(line)
        else:
            runs.append([line])
            used = len(line)
    return runs
