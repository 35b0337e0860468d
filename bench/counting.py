"""The SQL statements an engine sends: how the benches show that work does not grow with the label."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


class Statements:
    """Counts every statement ``engine`` sends from now on; ``reset`` starts the count again."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args, **_kwargs) -> None:
        self.count += 1

    def reset(self) -> None:
        self.count = 0
