"""The one error type users see: it says what was wrong and how to write it right."""

from __future__ import annotations


class UserError(Exception):
    """A request Releasebot refuses; ``message`` and ``usage`` go back to the person, nothing changed.

    ``about`` names the input at fault ("release_date", "playbook", "due"), so a modal can show
    the message under that field.
    """

    def __init__(self, message: str, usage: str | None = None, *, about: str | None = None):
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.about = about
