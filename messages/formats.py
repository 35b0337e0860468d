"""How values look in a message: dates and money in the reader's language (Babel's CLDR patterns), progress as
a bar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_percent, get_currency_precision

# Per language, a CLDR pattern: ``Fri 12 Mar 2027`` in English, ``Fr., 12.03.2027`` in German.
DATE_PATTERNS = {"en": "EEE d MMM y", "de": "EEE, dd.MM.y"}


@lru_cache(maxsize=4096)  # a tick words the same few hundred days thousands of times
def format_date(day: date, lang: str = "en") -> str:
    return babel_format_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)


def progress_bar(percent: int, width: int = 10) -> str:
    filled = round(percent * width / 100)
    return "▓" * filled + "░" * (width - filled)


def format_money(minor: int, currency: str, lang: str = "en") -> str:
    """Whole minor units in the reader's language: ``€1,200.50`` in English, ``1.200,50 €`` in German."""
    value = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=lang)


def format_share(part: int, whole: int, lang: str = "en") -> str:
    """``part`` of ``whole`` as a whole percentage, rounded down (89.9% is not yet 90%): ``63%``, ``63 %``."""
    share = Decimal(part * 100 // whole) / 100 if whole else Decimal(0)
    return format_percent(share, locale=lang)
