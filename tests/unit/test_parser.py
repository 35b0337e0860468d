"""The ``/release`` parser and the date reader on their own: any text gives a command or a refusal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.release.dates import parse_date
from bot.release.parser import NewRelease, ParseError, Snooze, parse

MONDAY = date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('new "X" on', "need_release_date"),
        ('new "X" on someday', "date_unreadable"),
        ("new Midnight Drive", "need_release_date"),
        ("snooze artwork", "due_which"),
    ],
)
def test_incomplete_commands_are_refused_with_the_reason(text, key):
    refused = parse(text, today=MONDAY)
    assert isinstance(refused, ParseError) and refused.key == key


def test_feb_29_without_a_year_is_the_next_leap_day():
    assert parse_date("feb 29", today=MONDAY) == date(2028, 2, 29)
    assert parse_date("29 February", today=date(2028, 3, 1)) == date(2032, 2, 29)
    snooze = parse("snooze artwork feb 29", today=MONDAY)
    assert isinstance(snooze, Snooze) and snooze.until == date(2028, 2, 29)


def test_a_full_new_command_reads_every_part():
    command = parse('new "Midnight Drive" by Nova Lane on 2027-03-12 playbook single', today=MONDAY)
    assert command == NewRelease("Midnight Drive", "Nova Lane", date(2027, 3, 12), "single")
