"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the Slack Web API stand-in with a small label's people, and the app served over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.slack.installs import BOT_SCOPES
from storage.db import make_engine, migrate
from tests.support.databases import POSTGRES_URL
from tests.support.harness import BotUnderTest, Clock
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, MONDAY, OUTSIDER, PM


@pytest.fixture(scope="session")
def _postgres_engine():
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database(request, tmp_path):
    """A migrated, empty database and its URL."""
    if POSTGRES_URL:
        engine = request.getfixturevalue("_postgres_engine")
        names = [t.name for t in SQLModel.metadata.sorted_tables] + ["slack_bots", "slack_installations", "inbox"]
        tables = ", ".join(f'"{name}"' for name in names)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        yield engine, POSTGRES_URL
        return
    url = f"sqlite:///{tmp_path / 'releasebot.db'}"
    engine = make_engine(url)
    migrate(engine)
    yield engine, url
    engine.dispose()


@pytest.fixture
def standin():
    from tests.support.standin import SlackStandIn

    # The bot token holds exactly the scopes the app asks for at install (and the manifest lists), so a
    # call needing another scope fails here as it would in Slack.
    with SlackStandIn(scopes=set(BOT_SCOPES)) as slack:
        slack.add_user(PM, name="paula", tz="Europe/Berlin")
        slack.add_user(ARTIST_MANAGER, name="mika", tz="America/New_York")
        slack.add_user(DESIGNER, name="dee", tz="Europe/London")
        slack.add_user(DISTRIBUTION, name="dara", tz="Europe/Berlin")
        slack.add_user(ADMIN, name="alex", tz="Europe/Berlin", is_admin=True)
        slack.add_user(OUTSIDER, name="olli", tz="Europe/Berlin")
        yield slack


@pytest.fixture
def clock():
    return Clock(MONDAY)


@pytest.fixture
def bot(database, standin, clock):
    engine, url = database
    running = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=url).start()
    yield running
    running.stop()
