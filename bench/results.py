"""bench/RESULTS.md holds the main bench's figures and, after them, a section for each other tool (the
simulation, the weekly picture, stats, the clash checks): each tool rewrites its own part and keeps the rest."""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

# What python -m bench.<module> writes sits between its two markers.
SECTIONS = {
    "simulation": "bench.simulate",
    "weekly": "bench.weekly",
    "stats": "bench.stats",
    "clashes": "bench.clashes",
}
RESULTS = Path(__file__).parent / "RESULTS.md"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/releasebot_bench"
_SECTION = re.compile(r"<!-- (\w+): written by python -m [\w.]+ -->\n(.*?)\n<!-- /\1 -->\n?", re.S)


def begin(name: str) -> str:
    return f"<!-- {name}: written by python -m {SECTIONS[name]} -->"


def end(name: str) -> str:
    return f"<!-- /{name} -->"


def write_section(path: Path, name: str, section: str) -> None:
    """Put ``section`` in place of ``name``'s section in ``path``, or after what it holds."""
    rest, sections = _split(path)
    path.write_text(_join(rest, sections | {name: section.strip()}))


def write_bench(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in place of all but the other tools' sections, which stay at the end."""
    _rest, sections = _split(path)
    path.write_text(_join(text, sections))


def machine() -> str:
    """The line that says where and when figures were taken, and how fast this machine's Python is."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return (
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores. "
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Its speed: `sum(range(10_000_000))` in a Python loop "
        f"takes {time.perf_counter() - started:.2f} s (machines of one kind differ; this compares runs)."
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options the section-writing tools share: which databases, and where the figures go."""
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="a PostgreSQL database it may empty")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the file whose section is replaced")


def database_urls(args: argparse.Namespace, folder: str) -> list[tuple[str, str]]:
    """(kind, URL) for each database asked for: SQLite as a file in ``folder``, PostgreSQL as given."""
    urls = {"sqlite": f"sqlite:///{Path(folder) / 'bench.db'}", "postgresql": args.postgres_url}
    kinds = args.databases.split(",")
    if "postgresql" in kinds:
        _create_if_missing(args.postgres_url)
    return [(kind, urls[kind]) for kind in kinds]


def _create_if_missing(url: str) -> None:
    """The tools empty the PostgreSQL database they are given; on a fresh server it must exist first."""
    server, name = url.rsplit("/", 1)
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def publish(args: argparse.Namespace, name: str, title: str, lines: list[str]) -> None:
    """Print the figures and write them, with the machine and the command that made them, as ``name``'s section."""
    command = " ".join(["python", "-m", SECTIONS[name], *sys.argv[1:]])
    section = "\n".join([f"## {title}", "", machine(), "", f"Command: `{command}`", "", *lines])
    print(section)
    write_section(args.output, name, section)


def _split(path: Path) -> tuple[str, dict[str, str]]:
    """What ``path`` holds besides the tools' sections, and each section's body by name, in file order."""
    text = path.read_text() if path.exists() else ""
    sections = {m.group(1): m.group(2) for m in _SECTION.finditer(text) if m.group(1) in SECTIONS}
    return _SECTION.sub("", text), sections


def _join(rest: str, sections: dict[str, str]) -> str:
    parts = [rest.strip()] if rest.strip() else []
    parts += [f"{begin(name)}\n{body}\n{end(name)}" for name, body in sections.items()]
    return "\n\n".join(parts) + "\n"
