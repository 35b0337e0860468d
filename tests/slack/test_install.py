"""Multi-workspace mode: Slack's OAuth install flow through the real app, two workspaces kept apart, uninstalls.

Two stand-ins play two workspaces behind one API address (tests/support/standin/teams.py); neither knows
any token until an install has exchanged a code for one with ``oauth.v2.access``.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from sqlalchemy import text

from bot.runtime.config import ConfigError, load_config
from storage import queries
from storage.db import session_scope
from tests.support.harness import BotUnderTest, utc
from tests.support.people import DESIGNER, PM
from tests.support.standin import SlackStandIn
from tests.support.standin.teams import Workspaces
from tests.support.story import CHANNEL, NEW, posts, tick

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret"
OTHER_TEAM = "T0INDIE"


@pytest.fixture
def label(standin):
    """The conftest workspace, knowing no token until the app is installed."""
    standin.world.tokens.clear()
    standin.configure_oauth(CLIENT_ID, CLIENT_SECRET)
    return standin


@pytest.fixture
def indie():
    with SlackStandIn(team_id=OTHER_TEAM, team_name="Indie", team_domain="indie", tokens=()) as slack:
        slack.add_user(PM, name="paula", tz="Europe/Berlin")
        slack.add_user(DESIGNER, name="dee", tz="Europe/London")
        slack.configure_oauth(CLIENT_ID, CLIENT_SECRET)
        yield slack


@pytest.fixture
def installable(database, label, indie, clock):
    """The app in multi-workspace mode: OAuth settings, no bot token."""
    engine, url = database
    with Workspaces(label, indie) as slack:
        oauth = {
            "slack_bot_token": None,
            "slack_client_id": CLIENT_ID,
            "slack_client_secret": CLIENT_SECRET,
            "slack_state_secret": "state-secret",
            "slack_api_url": slack.base_url,
        }
        running = BotUnderTest(standin=label, engine=engine, clock=clock, database_url=url, settings=oauth).start()
        yield running
        running.stop()


def install(bot: BotUnderTest, workspace: SlackStandIn, installer: str = PM) -> tuple[int, str]:
    """What a browser does: open the install page, approve in Slack, follow the redirect with its cookie."""
    status, headers, page = bot.get("/slack/install")
    assert status == 200, page
    authorize = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page).group(1)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize.replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0].split(",")
    cookie = headers["Set-Cookie"].split(";")[0]
    code = workspace.issue_oauth_code(installer)
    status, _, page = bot.get(
        f"/slack/oauth_redirect?code={code}&state={query['state'][0]}", headers={"Cookie": cookie}
    )
    return status, page


def installed_teams(bot) -> set[str]:
    with bot.engine.connect() as connection:
        return set(connection.execute(text("SELECT team_id FROM slack_bots")).scalars())


def test_install_flow_stores_the_workspace_and_its_token_does_the_work(installable, label):
    status, page = install(installable, label)
    assert status == 200 and "Thank you" in page
    assert label.calls_to("oauth.v2.access", ok=True), "the code was exchanged for a token"
    assert installed_teams(installable) == {label.team_id}
    reply = installable.command(NEW, user=PM)
    assert "Setting up *Midnight Drive*" in reply.text
    installable.settle()
    assert label.channel_by_name(CHANNEL) is not None, "the installed token created the release channel"


def test_a_new_workspace_starts_from_its_installers_timezone_and_country(installable, indie):
    indie.add_user("UNYCNORA", name="nora", tz="America/New_York")
    status, _ = install(installable, indie, installer="UNYCNORA")
    assert status == 200
    with session_scope(installable.engine) as session:
        workspace = queries.get_or_create_workspace(session=session, team_id=OTHER_TEAM)
        assert (workspace.timezone, workspace.holiday_country) == ("America/New_York", "US")
        assert workspace.set_up_from == "UNYCNORA"
    listing = installable.command("settings", user=DESIGNER, team=OTHER_TEAM)  # a Londoner, typing first
    assert "*timezone*: America/New_York" in listing.text


def test_a_forged_or_replayed_install_is_refused_and_stores_nothing(installable, label):
    status, headers, _ = installable.get("/slack/install")
    cookie = headers["Set-Cookie"].split(";")[0]
    code = label.issue_oauth_code(PM)
    status, _, page = installable.get(f"/slack/oauth_redirect?code={code}&state=forged", headers={"Cookie": cookie})
    assert status == 400 and "Thank you" not in page
    assert not installed_teams(installable)
    assert not label.calls_to("oauth.v2.access"), "a bad state never reaches Slack"


def test_two_workspaces_keep_their_releases_and_schedules_apart(installable, label, indie):
    install(installable, label)
    install(installable, indie)
    assert installed_teams(installable) == {label.team_id, indie.team_id}
    installable.command(NEW, user=PM)
    installable.settle()
    assert label.channel_by_name(CHANNEL) is not None and indie.channel_by_name(CHANNEL) is None
    portfolio = installable.command("status", user=PM, team=OTHER_TEAM)
    assert "No active releases" in portfolio.text, "one label never sees another's releases"
    tick(installable, utc(2027, 1, 5, 8, 31))
    assert posts(label, label.channel_by_name(CHANNEL)["id"], "Standup")
    assert not indie.calls_to("chat.postMessage"), "nothing of the label's goes to the other workspace"


def test_uninstall_stops_every_message_to_that_workspace_only(installable, label, indie):
    install(installable, label)
    install(installable, indie)
    installable.command(NEW, user=PM)
    installable.command(NEW, user=PM, team=OTHER_TEAM)
    installable.settle()
    status, _, _ = installable.event({"type": "app_uninstalled"}, team=label.team_id)
    assert status == 200
    installable.settle()
    assert installed_teams(installable) == {indie.team_id}
    label.reset_calls()
    tick(installable, utc(2027, 1, 5, 8, 31))
    assert not label.calls, "not a single call to a workspace that removed the app"
    assert posts(indie, indie.channel_by_name(CHANNEL)["id"], "Standup"), "the other workspace carries on"


def test_a_revoked_bot_token_counts_as_an_uninstall(installable, label):
    install(installable, label)
    installable.command(NEW, user=PM)
    installable.settle()
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    installable.event(revoked, team=label.team_id)
    installable.settle()
    label.reset_calls()
    tick(installable, utc(2027, 1, 5, 8, 31))
    assert not label.calls


def test_reinstalling_resumes_the_schedule(installable, label):
    install(installable, label)
    installable.command(NEW, user=PM)
    installable.settle()
    installable.event({"type": "app_uninstalled"}, team=label.team_id)
    installable.settle()
    status, _ = install(installable, label)
    assert status == 200
    tick(installable, utc(2027, 1, 5, 8, 31))
    assert posts(label, label.channel_by_name(CHANNEL)["id"], "Standup")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SLACK_CLIENT_ID": CLIENT_ID}, "SLACK_CLIENT_SECRET is not set"),
        ({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "s"}, "SLACK_STATE_SECRET is not set"),
        ({}, "SLACK_BOT_TOKEN is not set"),
    ],
)
def test_half_an_oauth_setup_is_named_at_start(monkeypatch, env, message):
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config()
