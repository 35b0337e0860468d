"""The weekly picture's words: the comment its image is shared with (what shipped, what moved, clashes,
overloaded people, what is late or blocked, by release), within what Slack takes as a file's comment."""

from __future__ import annotations

from collections.abc import Sequence

from messages.formats import format_date
from messages.picture import WeekPicture
from messages.render import clip, line_list, words

# Slack refuses a longer initial_comment on a shared file; each section keeps to a share of it.
COMMENT_CHARS = 4000
SECTION_CHARS = 640


def comment(picture: WeekPicture, *, budgets: Sequence = (), lang: str = "en") -> str:
    """``budgets``: the plans against spend of a PM's own releases (:class:`bot.release.budget.Picture`), only
    ever in her own picture."""
    w = words("weekly", lang)
    monday = format_date(picture.monday, lang)
    sections = [
        (w.shipped_title(), [str(w.shipped_line(r, items)) for r, items in picture.shipped], w.nothing_shipped()),
        (w.moved_title(), [str(w.moved_line(m)) for m in picture.moved], w.nothing_moved()),
        (w.clashes_title(), [str(w.clash_line(week, rs)) for week, rs in picture.clashes], w.no_clashes()),
        (
            w.overloaded_title(picture.load_limit),
            [str(w.overload_line(o, picture.names.get(o.user_id))) for o in picture.overloaded],
            w.nobody_overloaded(),
        ),
        (
            w.troubled_title(),
            [str(w.troubled_line(row, picture.late_by, picture.names)) for row in picture.troubled],
            w.nothing_troubled(),
        ),
    ]
    parts = [str(w.heading(picture, monday, len(picture.rows)))]
    for title, lines, none in sections:
        body = line_list(lines, more=str(w.more()), limit=SECTION_CHARS) if lines else str(none)
        parts.append(f"*{title}*\n{body}")
    if budgets:
        money = words("budget", lang)
        lines = [str(money.week_line(b)) for b in budgets]
        parts.append(f"*{money.week_title()}*\n{line_list(lines, more=str(w.more()), limit=SECTION_CHARS)}")
    if picture.not_drawn:
        parts.append(str(w.not_drawn(picture.drawn, len(picture.rows))))
    return clip("\n\n".join(parts), COMMENT_CHARS)


def title(picture: WeekPicture, *, lang: str = "en") -> str:
    """The file's title, above the image in Slack."""
    return str(words("weekly", lang).image_title(picture, format_date(picture.monday, lang)))
