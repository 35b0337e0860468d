"""Docs that tests keep honest: every subcommand is in `/release help` and in the README."""

import re
from datetime import date
from pathlib import Path

import pytest

from bot.release.parser import SUBCOMMANDS, ParseError, parse
from messages.builders import help_message
from messages.render import escape_mrkdwn

README = (Path(__file__).parents[2] / "README.md").read_text()
NAMES = [u.name for u in SUBCOMMANDS]


@pytest.mark.parametrize("name", NAMES)
def test_every_subcommand_is_in_the_readme_table(name):
    assert f"| `{name}` |" in README, f"README.md does not document `/release {name}`"


@pytest.mark.parametrize("usage", SUBCOMMANDS, ids=NAMES)
def test_every_subcommand_is_in_help_with_an_example_that_parses(usage):
    text = "".join(b["text"]["text"] for b in help_message(SUBCOMMANDS).blocks if b["type"] == "section")
    assert f"/release {escape_mrkdwn(usage.syntax)}" in text
    assert f"/release {escape_mrkdwn(usage.example)}" in text
    # Slack turns a picked @name into <@U…|name> before we see it.
    typed = re.sub(r"@([a-z][\w.-]*)", r"<@U0EXAMPLE|\1>", usage.example)
    assert not isinstance(parse(typed, today=date(2027, 1, 4)), ParseError), usage.example


def test_readme_documents_every_setting():
    from bot.release.workspace_settings import SETTINGS

    for name in SETTINGS:
        assert f"`{name}`" in README, f"README.md does not document the setting {name}"
