from datetime import date

import pytest

from bot.release.parser import Ref
from bot.release.refusals import UserError
from bot.release.resolve import resolve, resolve_leading
from storage.models import Deliverable


def item(key, name):
    return Deliverable(team_id="T", release_id=1, key=key, name=name, due_date=date(2027, 1, 1))


ITEMS = [
    item("master", "Final master audio"),
    item("artwork", "Cover artwork"),
    item("artwork-alt", "Alternate artwork"),
    item("metadata", "Metadata, ISRC and credits"),
    item("spotify-pitch", "Spotify editorial pitch"),
]


@pytest.mark.parametrize(
    "text, key",
    [
        ("master", "master"),
        ("MASTER", "master"),
        ("Cover artwork", "artwork"),
        ("artwork", "artwork"),  # an exact key wins over being a prefix of another
        ("meta", "metadata"),
        ("spotify", "spotify-pitch"),
        ("final master", "master"),
    ],
)
def test_finds_by_key_name_or_unique_prefix(text, key):
    assert resolve(text, ITEMS).key == key


def test_ambiguous_prefix_lists_candidates():
    with pytest.raises(UserError) as refused:
        resolve("art", ITEMS)
    assert "`artwork`" in refused.value.text() and "`artwork-alt`" in refused.value.text()


def test_unknown_suggests_the_closest():
    with pytest.raises(UserError) as refused:
        resolve("metdata", ITEMS)
    assert "No deliverable called “metdata”" in refused.value.text()
    assert "Did you mean `metadata`" in refused.value.text()


def test_leading_words_take_the_longest_exact_name():
    found, reason = resolve_leading(Ref(("cover",), False), "artwork photographer is ill", ITEMS)
    assert found.key == "artwork" and reason == "photographer is ill"


def test_explicit_reference_is_taken_as_given():
    found, reason = resolve_leading(Ref(("master",), True), "waiting on mix notes", ITEMS)
    assert found.key == "master" and reason == "waiting on mix notes"
