import re
from datetime import date

from bot.release.channels import MAX_CHANNEL_NAME, channel_name, slug, with_suffix

SLACK_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def test_name_is_built_from_date_artist_and_title():
    assert channel_name(date(2027, 3, 12), "Nova Lane", "Midnight Drive") == "rel-2027-03-12-nova-lane-midnight-drive"


def test_name_without_artist_and_with_accents_and_symbols():
    name = channel_name(date(2027, 3, 12), None, "Café Tacvba: ¡Sí! & Co.")
    assert name == "rel-2027-03-12-cafe-tacvba-si-co"
    assert SLACK_NAME.match(name)


def test_long_names_are_cut_at_a_word_and_stay_valid():
    name = channel_name(
        date(2027, 3, 12), "The Extraordinarily Long Named Orchestra", "A " + "very " * 30 + "long title"
    )
    assert len(name) <= MAX_CHANNEL_NAME and SLACK_NAME.match(name) and not name.endswith("-")


def test_suffixes_fit_within_the_limit():
    base = "rel-2027-03-12-" + "x" * 65
    assert with_suffix(base, 1) == base
    assert with_suffix(base, 2).endswith("-2") and len(with_suffix(base, 2)) <= MAX_CHANNEL_NAME
    assert with_suffix("rel-a", 12) == "rel-a-12"


def test_slug_of_only_symbols_is_empty():
    assert slug("!!! ???") == ""
