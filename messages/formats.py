"""How values look in a message: dates in the reader's language (Babel's CLDR patterns), progress as a bar."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import format_date as babel_format_date

# Per language, a CLDR pattern: ``Fri 12 Mar 2027`` in English, ``Fr., 12.03.2027`` in German.
DATE_PATTERNS = {"en": "EEE d MMM y", "de": "EEE, dd.MM.y"}


@lru_cache(maxsize=4096)  # a tick words the same few hundred days thousands of times
def format_date(day: date, lang: str = "en") -> str:
    return babel_format_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)


def progress_bar(percent: int, width: int = 10) -> str:
    filled = round(percent * width / 100)
    return "▓" * filled + "░" * (width - filled)
