"""Money as people type it: read exactly or refused, never guessed; shown in the reader's language."""

from datetime import date
from decimal import Decimal

import pytest

from bot.release.amounts import MoneyError, parse_amount, to_minor, workspace_currency
from bot.release.budget import passed
from messages.formats import format_money, format_share

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("1200", "1200", None),
        ("1,200.50", "1200.50", None),
        ("1.200,50", "1200.50", None),
        ("€1200", "1200", "EUR"),
        ("1200 EUR", "1200", "EUR"),
        ("eur 1.200,50", "1200.50", "EUR"),
        ("1.200,50 €", "1200.50", "EUR"),
        ("¥150000", "150000", "JPY"),
        ("1,200", "1200", None),
        ("1.200.000", "1200000", None),
        ("1,200,000.99", "1200000.99", None),
        ("12.5", "12.5", None),
    ],
)
def test_amounts_read_exactly(text, value, currency):
    amount = parse_amount(text)
    assert amount.value == Decimal(value) and amount.currency == currency


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("-5", "money_negative"),
        ("€-5", "money_negative"),
        ("1,2,3", "money_ambiguous"),
        ("1.200.5", "money_ambiguous"),
        ("12,3456", "money_ambiguous"),
        ("1,200,50", "money_ambiguous"),
        ("abc", "money_unreadable"),
        ("1e5", "money_unreadable"),
        ("100000001", "money_too_large"),
    ],
)
def test_what_is_no_amount_is_refused(text, key):
    with pytest.raises(MoneyError) as refused:
        parse_amount(text)
    assert refused.value.key == key


def test_minor_units_follow_the_currency_and_never_round():
    assert to_minor(Decimal("1200.50"), "EUR") == 120050
    assert to_minor(Decimal("150000"), "JPY") == 150000
    assert to_minor(Decimal("1.234"), "KWD") == 1234
    with pytest.raises(MoneyError):
        to_minor(Decimal("99.5"), "JPY")
    with pytest.raises(MoneyError):
        to_minor(Decimal("0.001"), "EUR")


def test_formatted_per_language():
    assert format_money(120050, "EUR", "en") == "€1,200.50"
    assert format_money(120050, "EUR", "de") == f"1.200,50{NBSP}€"
    assert format_money(150000, "JPY", "en") == "¥150,000"
    assert format_share(899, 1000, "en") == "89%" and format_share(1000, 1000, "de") == f"100{NBSP}%"


def test_the_workspace_currency_comes_from_its_country():
    today = date(2027, 1, 4)
    assert workspace_currency(country="DE", timezone="Europe/London", today=today) == "EUR"
    assert workspace_currency(country=None, timezone="Europe/London", today=today) == "GBP"
    assert workspace_currency(country=None, timezone="Asia/Tokyo", today=today) == "JPY"
    assert workspace_currency(country=None, timezone="Etc/UTC", today=today) == "EUR"


def test_each_threshold_is_told_once_and_a_jump_past_both_once():
    assert passed(1000, 899, told=set()) is None
    assert passed(1000, 900, told=set()) == 90
    assert passed(1000, 950, told={90}) is None
    assert passed(1000, 1000, told={90}) == 100
    assert passed(1000, 2000, told=set()) == 100
    assert passed(1000, 2000, told={90, 100}) is None
