"""Every message kind exists in every language, with the same macros, and fits Slack's limits there too."""

from __future__ import annotations

import re
from datetime import date

import pytest

from messages.modals import MAX_VIEW_TITLE
from messages.render import LANGUAGES, MAX_BUTTON_TEXT, TEMPLATES, environment, preload, words

KINDS = sorted(path.stem for path in (TEMPLATES / "en").glob("*.j2"))
# Macros that end up as a modal's title, submit or close label (Slack: 24 characters at most).
VIEW_LABELS = {
    "forms": ["new_title", "create", "cancel", "add_title", "add"],
    "checklist": ["modal_title", "modal_submit", "modal_close"],
}
BUTTONS = {
    "checklist": ["claim_button", "done_button", "block_button"],
    "reminders": ["snooze_button", "snooze_week_button"],
    "home": ["new_release_button"],
    "catch_up": ["accept_button"],
    "memory": ["apply_button"],
}


def macros(kind: str, lang: str) -> dict[str, tuple[str, ...]]:
    module = environment().get_template(f"{lang}/{kind}.j2").module
    return {
        name: tuple(macro.arguments)
        for name in dir(module)
        if not name.startswith("_") and hasattr(macro := getattr(module, name), "arguments")
    }


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_language_has_every_macro_with_the_same_arguments(kind, lang):
    assert (TEMPLATES / lang / f"{kind}.j2").exists(), f"{lang}/{kind}.j2 is missing"
    assert macros(kind, lang) == macros(kind, "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_modal_labels_and_buttons_fit_slacks_limits(lang):
    for kind, names in VIEW_LABELS.items():
        for name in names:
            assert 0 < len(str(getattr(words(kind, lang), name)())) <= MAX_VIEW_TITLE, (lang, kind, name)
    for kind, names in BUTTONS.items():
        for name in names:
            assert 0 < len(str(getattr(words(kind, lang), name)())) <= MAX_BUTTON_TEXT, (lang, kind, name)


def test_german_dates_read_day_month_year():
    past = words("errors", "de").release_date_past(date(2027, 3, 12))
    assert "12.03.2027" in str(past) and "2027-03-12" not in str(past)


def test_preload_compiles_every_kind_in_every_language_so_no_message_compiles_later():
    words.cache_clear()
    preload()
    compiled = words.cache_info()
    assert compiled.currsize == len(KINDS) * len(LANGUAGES)
    for lang in LANGUAGES:
        for kind in KINDS:
            words(kind, lang)
    assert words.cache_info().hits == compiled.hits + len(KINDS) * len(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_template_writes_a_bare_angle_bracket_placeholder(lang):
    """Slack reads ``<…>`` as a link or mention even inside backticks: a placeholder is ``&lt;reason&gt;``."""
    markup = re.compile(r"<(?![@#!]|http|\{\{)[^>\s]*[A-Za-zÄÖÜäöü][^>]*>")
    for path in sorted((TEMPLATES / lang).glob("*.j2")):
        found = markup.findall(path.read_text())
        assert not found, f"{path.name}: {found}"
