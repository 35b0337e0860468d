"""``/release load`` and the Home tab's team load as Block Kit: a line per person with their weeks as a small
grid (``3 · 5 · 7⚠ · 2 …``), and for one person each week's deliverables. Takes the plain values of
``bot.release.foresight.workload`` (a :class:`~messages.facts.LoadTable` of people, their weeks and items)."""

from __future__ import annotations

from messages.facts import LoadTable, PersonLoad
from messages.render import (
    MAX_MESSAGE_BLOCKS,
    Message,
    context,
    divider,
    header,
    line_list,
    pack_lines,
    section,
    words,
)

OVER = "⚠"
# Home shows the first lines of the team's load in one section: the view keeps its room for the rest.
HOME_LOAD_LINES = 12


def grid(person: PersonLoad) -> str:
    """``3 · 5 · 7⚠ · 2 · 0 · …``: a person's count per week, the weeks over the limit flagged."""
    return " · ".join(f"{w.count}{OVER if w.over else ''}" for w in person.weeks)


def load_message(table: LoadTable, *, lang: str = "en") -> Message:
    w = words("load", lang)
    title = str(w.title(table))
    blocks = [header(title), context(str(w.legend(table)))]
    if not table.people:
        blocks.append(section(str(w.nobody(table))))
        return Message(text=title, blocks=blocks)
    lines = [str(w.person_line(p, grid(p))) for p in table.people]
    if table.scope in ("self", "person"):
        (person,) = table.people
        blocks.append(section(lines[0]))
        for week in (wk for wk in person.weeks if wk.items):
            entries = [str(w.week_title(week, table.limit)), *(str(w.item_line(i, table.today)) for i in week.items)]
            blocks.append(section(line_list(entries, more=str(w.more("{n}")))))
    else:
        room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
        blocks.extend(section(text) for text in pack_lines(lines)[:room])
    if table.total > len(table.people):
        blocks.append(context(str(w.more(table.total - len(table.people)))))
    return Message(text=title + "\n" + "\n".join(lines[:20]), blocks=blocks)


def home_blocks(table: LoadTable, *, lang: str = "en") -> list[dict]:
    """The Home tab's team load for a PM, in at most five blocks."""
    w = words("load", lang)
    blocks = [divider(), header(str(w.home_title(table.total))), context(str(w.legend(table)))]
    if not table.people:
        return [*blocks, section(str(w.nobody(table)))]
    lines = pack_lines([str(w.person_line(p, grid(p))) for p in table.people[:HOME_LOAD_LINES]])[0]
    blocks.append(section(lines))
    left = table.total - (lines.count("\n") + 1)
    if left > 0:
        blocks.append(context(str(w.more(left))))
    return blocks
