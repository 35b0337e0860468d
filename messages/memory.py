"""Pure builders for what the label remembers: a release's retro, the label's stats, its own playbook.

Each list is one section, capped at MAX_LINES and at Slack's 3,000 characters ("…and N more"); suggestions
come one section each with their Apply button, at most MAX_SUGGESTIONS, so a message stays far below 50
blocks however long the history.
"""

from __future__ import annotations

from collections.abc import Sequence

from messages.ids import ActionId, SuggestionValue
from messages.render import Message, button, context, header, line_list, section, words

MAX_LINES = 15
MAX_SUGGESTIONS = 10
# Deliverables named per person under "who delivered what".
NAMES_PER_PERSON = 5


def _listing(w, name: str, lines: list[str]) -> str:
    capped = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        capped.append(str(w.more(len(lines) - MAX_LINES)))
    return line_list([str(w.section_title(name, len(lines))), *capped], more=str(w.more("{n}")))


def _sections(w, listings: Sequence[tuple[str, list[str]]]) -> list[dict]:
    return [section(_listing(w, name, lines)) for name, lines in listings if lines]


def _suggestion_blocks(w, suggestions: Sequence) -> list[dict]:
    if not suggestions:
        return []
    blocks = [section(str(w.section_title("suggestions", len(suggestions))))]
    for s in suggestions[:MAX_SUGGESTIONS]:
        block = section(str(w.suggestion_line(s)))
        value = SuggestionValue(s.playbook, s.key, s.earlier, s.version).encode()
        block["accessory"] = button(str(w.apply_button()), ActionId.APPLY_SUGGESTION, value)
        blocks.append(block)
    if len(suggestions) > MAX_SUGGESTIONS:
        blocks.append(context(str(w.more(len(suggestions) - MAX_SUGGESTIONS))))
    return blocks


def retro(facts, *, suggestions: Sequence = (), budget=None, lang: str = "en") -> Message:
    """A release's retro (:class:`bot.release.memory.retro.Retro`); for the PM alone, ``suggestions`` with Apply
    buttons and ``budget`` (:class:`bot.release.budget.Picture`), its plan against its spend."""
    w = words("memory", lang)
    title = str(w.retro_title(facts.release))
    if not facts.overall.judged:
        blocks = [header(title), section(str(w.nothing_judged()))]
    else:
        blocks = [header(title), section(str(w.retro_headline(facts)))]
        blocks += _sections(w, [
            ("teams", [str(w.rate_line(r)) for r in facts.teams] if len(facts.teams) > 1 else []),
            ("late", [str(w.late_line(j)) for j in facts.late]),
            ("blocked", [str(w.blocked_line(b)) for b in facts.blocked]),
            ("moves", [str(w.move_line(m)) for m in facts.moves]),
            ("delivered", [str(w.delivered_line(u, names, NAMES_PER_PERSON)) for u, names in facts.delivered]),
        ])  # fmt: skip
    if budget is not None:
        blocks.append(section(str(words("budget", lang).retro_line(budget))))
    blocks += _suggestion_blocks(w, suggestions)
    return Message(text=f"{title}\n{w.retro_headline(facts)}", blocks=blocks)


def stats(facts, *, last: int, lang: str = "en") -> Message:
    """The label's stats (:class:`bot.release.memory.lessons.Stats`) over its ``last`` finished releases."""
    w = words("memory", lang)
    if not facts.releases:
        return Message(text=str(w.no_history()), blocks=[section(str(w.no_history()))])
    title = str(w.stats_title(facts.releases))
    blocks = [header(title), section(str(w.stats_headline(facts)))]
    blocks += _sections(w, [
        ("teams", [str(w.rate_line(r)) for r in facts.teams]),
        ("most_late", [str(w.most_late_line(k)) for k in facts.most_late]),
        ("keys", [str(w.key_line(k)) for k in facts.keys]),
    ])  # fmt: skip
    blocks += _suggestion_blocks(w, facts.suggestions)
    return Message(text=f"{title}\n{w.stats_headline(facts)}", blocks=blocks)


def playbook(name: str, versions: Sequence, changes: Sequence, *, lang: str = "en") -> Message:
    """The label's version of a playbook, what it changed from the shipped one, and its versions (newest first)."""
    w = words("memory", lang)
    title = str(w.playbook_title(name))
    latest = versions[-1] if versions else None
    blocks = [header(title), section(str(w.playbook_version(name, latest)))]
    blocks += _sections(w, [
        ("changes", [str(w.change_line(ch)) for ch in changes]),
        ("versions", [str(w.version_line(row)) for row in reversed(versions)]),
    ])  # fmt: skip
    return Message(text=f"{title}\n{w.playbook_version(name, latest)}", blocks=blocks)
