"""The one error type users see: it says what was wrong and how to write it right, in their language."""

from __future__ import annotations

from types import SimpleNamespace

from sqlmodel import SQLModel

from messages.render import words


class UserError(Exception):
    """A request Releasebot refuses, with nothing changed.

    ``key`` names the explanation in ``messages/templates/<lang>/errors.j2``, filled in with
    ``facts``, so the refusal is worded in the language of whoever reads it; ``usage`` is the
    command's syntax (commands are typed in English everywhere). ``about`` names the input at
    fault ("release_date", "playbook", "due"), so a modal can show the message under that field.
    """

    def __init__(self, key: str, *, usage: str | None = None, about: str | None = None, **facts):
        super().__init__(key)
        self.key = key
        self.facts = {name: _frozen(value) for name, value in facts.items()}
        self.usage = usage
        self.about = about

    def text(self, lang: str = "en") -> str:
        return str(getattr(words("errors", lang), self.key)(**self.facts)).strip()

    def __str__(self) -> str:
        return self.text()


def _frozen(value):
    """Rows as they were when refused: the transaction rolls back before the message is worded."""
    if isinstance(value, SQLModel):
        return SimpleNamespace(**value.model_dump())
    if isinstance(value, list | tuple):
        return [_frozen(item) for item in value]
    return value
