"""Money as people type it, read exactly: ``1200``, ``1,200.50``, ``1.200,50``, ``€1200``, ``1200 EUR``.

Amounts are :class:`~decimal.Decimal` until stored, then whole minor units (cents; yen have none), with the
currency's digits from Babel's CLDR data. A float never touches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_precision, get_territory_currencies, list_currencies

# The largest amount a plan or a cost may be, in major units: beyond this it is a typo, not a budget.
MAX_MAJOR = Decimal(100_000_000)
# Symbols read as one currency each; "$" is taken as the US dollar (write CAD, AUD… for the others).
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
FALLBACK_CURRENCY = "EUR"
NUMBER = re.compile(r"\d[\d.,]*")
GROUPED = re.compile(r"\d{1,3}([.,]\d{3})+")


class MoneyError(ValueError):
    """Why the text is no amount: an errors.j2 key (facts never repeat the amount typed)."""

    def __init__(self, key: str, **facts):
        super().__init__(key)
        self.key = key
        self.facts = facts


@dataclass(frozen=True)
class Amount:
    """An amount as typed, and the currency named with it (None: the plan's, or the workspace's)."""

    value: Decimal
    currency: str | None = None


def currency_code(word: str) -> str | None:
    """``EUR``, ``eur`` or ``€`` as an ISO 4217 code; None when the word names no currency."""
    word = word.strip()
    if word in SYMBOLS:
        return SYMBOLS[word]
    code = word.upper()
    return code if len(code) == 3 and code.isalpha() and code in _known_currencies() else None


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def parse_amount(text: str) -> Amount:
    """An amount with at most one currency, before or after it (``€1200``, ``1200 EUR``, ``EUR 1.200,50``)."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if text.startswith(("-", "−")) or text.endswith("-"):
        raise MoneyError("money_negative")
    currency = None
    for found in (text[:1], text[-1:], text[:3], text[-3:]):
        code = currency_code(found) if found and not found[0].isdigit() else None
        if code is not None:
            currency = code
            text = (text[len(found) :] if text.startswith(found) else text[: -len(found)]).strip()
            break
    if text.startswith(("-", "−")):
        raise MoneyError("money_negative")
    if not NUMBER.fullmatch(text):
        raise MoneyError("money_unreadable")
    value = _number(text)
    if value > MAX_MAJOR:
        raise MoneyError("money_too_large", limit=MAX_MAJOR)
    return Amount(value, currency)


def _number(text: str) -> Decimal:
    """Digits with grouping and a decimal separator, English or German: the last separator is the decimal one
    when one or two digits follow it; a lone separator before three digits groups thousands (``1,200`` and
    ``1.200`` are both 1200). Anything else (``1,2,3``, ``1.200.5``, ``12,3456``) is ambiguous: refused."""
    last = max(text.rfind("."), text.rfind(","))
    if last < 0:
        return Decimal(text)
    whole, fraction = text[:last], text[last + 1 :]
    if len(fraction) in (1, 2):
        separator = text[last]
        if not _grouping(whole, "," if separator == "." else "."):
            raise MoneyError("money_ambiguous")
        return Decimal(f"{whole.replace(',', '').replace('.', '')}.{fraction}")
    if GROUPED.fullmatch(text) and len({c for c in text if c in ".,"}) == 1:
        return Decimal(text.replace(",", "").replace(".", ""))
    raise MoneyError("money_ambiguous")


def _grouping(whole: str, separator: str) -> bool:
    """``whole`` is plain digits, or digits grouped in threes by ``separator`` alone."""
    return whole.isdigit() or re.fullmatch(rf"\d{{1,3}}(\{separator}\d{{3}})+", whole) is not None


def digits(currency: str) -> int:
    """Minor digits: 2 for EUR, 0 for JPY, 3 for KWD (Babel's CLDR data)."""
    return get_currency_precision(currency)


def to_minor(value: Decimal, currency: str) -> int:
    """``value`` in whole minor units; more decimals than the currency has are refused, never rounded."""
    scaled = value.scaleb(digits(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError("money_precision", currency=currency, digits=digits(currency))
    return int(scaled)


def workspace_currency(*, country: str | None, timezone: str, today: date) -> str:
    """The currency of the workspace's holiday country (DE → EUR), else of its timezone's country (Babel's
    table: Europe/London → GB → GBP), else the euro."""
    region = country or get_global("zone_territories").get(timezone)
    found = get_territory_currencies(region, start_date=today) if region else []
    return found[0] if found else FALLBACK_CURRENCY
