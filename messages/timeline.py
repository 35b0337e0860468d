"""The weekly picture as a PNG timeline: one row per release (the soonest ``picture.drawn``), eight week
columns, release day and hard deadlines marked, late and blocked items in colour, clashing weeks shaded.

Drawn on a :class:`matplotlib.figure.Figure` with the Agg canvas and never through pyplot, whose global
state is not safe across the threads that tick and answer commands. Its size depends only on the number of
rows, so the same picture always comes out the same size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date as babel_format_date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from messages.formats import format_date
from messages.picture import PictureRow, WeekPicture
from messages.render import words

DPI = 100
WIDTH_INCHES = 12.0
ROW_INCHES = 0.32
# Room above the rows (title, legend) and below them (week labels).
TOP_INCHES = 0.9
BOTTOM_INCHES = 0.6
LABEL_CHARS = 40
DAYS = 56

COLOURS = {
    "run_up": "#c9cde3",
    "release": "#1d1c3b",
    "hard": "#5b5f7a",
    "late": "#d1352b",
    "blocked": "#f08c00",
    "clash": "#fbe3b3",
    "today": "#2f6fdf",
    "grid": "#e4e6ee",
}


@dataclass(frozen=True)
class Timeline:
    """The image, and how many releases it has a row for."""

    png: bytes
    rows: int


def size_of(rows: int) -> tuple[int, int]:
    """The image's width and height in pixels for ``rows`` releases."""
    return round(WIDTH_INCHES * DPI), round(_height(rows) * DPI)


def _height(rows: int) -> float:
    return TOP_INCHES + BOTTOM_INCHES + ROW_INCHES * max(rows, 1)


def timeline(picture: WeekPicture, *, lang: str = "en") -> Timeline:
    w = words("weekly", lang)
    rows = picture.rows[: picture.drawn]
    height = _height(len(rows))
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.27, right=0.98, top=1 - TOP_INCHES / height, bottom=BOTTOM_INCHES / height)
    axes = figure.add_subplot()
    clashing = {week for week, _ in picture.clashes}
    for n, monday in enumerate(picture.weeks):
        if monday in clashing:
            axes.axvspan(n * 7, n * 7 + 7, color=COLOURS["clash"], zorder=0)
        axes.axvline(n * 7, color=COLOURS["grid"], linewidth=0.8, zorder=1)
    axes.axvline(_x(picture, picture.today), color=COLOURS["today"], linewidth=1, linestyle="--", zorder=2)
    _draw_rows(axes, picture, rows)
    axes.set_xlim(0, DAYS)
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    axes.set_yticks(range(len(rows)), [_label(row) for row in rows], fontsize=8)
    axes.set_xticks([n * 7 + 3.5 for n in range(len(picture.weeks))])
    axes.set_xticklabels([_week_label(w, monday, lang) for monday in picture.weeks], fontsize=8)
    axes.tick_params(axis="both", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    figure.suptitle(str(w.image_title(picture, format_date(picture.monday, lang))), x=0.02, ha="left", fontsize=11,
                    y=1 - 0.12 / height)  # fmt: skip
    figure.legend(handles=_legend(w), loc="upper right", ncol=5, fontsize=8, frameon=False,
                  bbox_to_anchor=(0.98, 1 - 0.35 / height))  # fmt: skip
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return Timeline(out.getvalue(), len(rows))


def _week_label(w, monday: date, lang: str) -> str:
    return str(w.week_label(monday.isocalendar().week, babel_format_date(monday, "d MMM", locale=lang)))


def _x(picture: WeekPicture, day: date) -> float:
    """Where a day's middle falls, kept inside the picture (earlier days at its left edge)."""
    return min(max((day - picture.monday).days + 0.5, 0.3), DAYS - 0.3)


def _draw_rows(axes, picture: WeekPicture, rows: list[PictureRow]) -> None:
    """Every row's run-up to release day and its marks, one artist per kind of mark (a few, not hundreds)."""
    ys = range(len(rows))
    days = [row.release.release_date for row in rows]
    axes.hlines(list(ys), 0, [_x(picture, day) for day in days], color=COLOURS["run_up"], linewidth=3, zorder=2)
    inside = [(y, day) for y, day in zip(ys, days, strict=True) if day < picture.end]
    beyond = [(y, day) for y, day in zip(ys, days, strict=True) if day >= picture.end]
    _marks(axes, picture, inside, "*", COLOURS["release"], 13, zorder=5)
    _marks(axes, picture, beyond, ">", COLOURS["release"], 9, zorder=5)
    _marks(axes, picture, [(y, d.due_date) for y, row in enumerate(rows) for d in row.hard], "D", COLOURS["hard"], 5)
    blocked = [(y, d.due_date) for y, row in enumerate(rows) for d, _ in row.blocked]
    _marks(axes, picture, blocked, "s", COLOURS["blocked"], 7)
    _marks(axes, picture, [(y, d.due_date) for y, row in enumerate(rows) for d in row.late], "o", COLOURS["late"], 7)


def _marks(axes, picture: WeekPicture, at: list[tuple[int, date]], marker: str, colour: str, size: int, *,
           zorder: int = 4) -> None:  # fmt: skip
    if at:
        xs = [_x(picture, day) for _, day in at]
        axes.plot(xs, [y for y, _ in at], marker=marker, markersize=size, color=colour, linestyle="none", zorder=zorder)


def _label(row: PictureRow) -> str:
    release = row.release
    text = f"{release.artist} — {release.title}" if release.artist else release.title
    text = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return text.replace("$", r"\$")  # a dollar sign would start matplotlib's math text


def _legend(w) -> list:
    def mark(marker: str, colour: str, label, size: int = 7):
        return Line2D([], [], marker=marker, color=colour, linestyle="none", markersize=size, label=str(label))

    return [
        mark("*", COLOURS["release"], w.legend_release(), 11),
        mark("D", COLOURS["hard"], w.legend_hard(), 5),
        mark("o", COLOURS["late"], w.legend_late()),
        mark("s", COLOURS["blocked"], w.legend_blocked()),
        Patch(color=COLOURS["clash"], label=str(w.legend_clash())),
    ]
