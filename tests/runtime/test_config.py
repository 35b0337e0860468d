import pytest

from bot.runtime.config import ConfigError, load_config

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_SIGNING_SECRET": "secret"}


@pytest.fixture
def env(monkeypatch):
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "DATABASE_URL",
        "PORT",
        "SLACK_API_URL",
        "RELEASEBOT_ADMINS",
        "RELEASEBOT_PLAYBOOKS",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_need_only_slack_credentials(env):
    for name, value in GOOD.items():
        env.setenv(name, value)
    settings = load_config()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("SLACK_BOT_TOKEN", None, "SLACK_BOT_TOKEN is not set"),
        ("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN must be an app-level token"),
        ("PORT", "eighty", "PORT"),
        ("SLACK_API_URL", "localhost:9999", "SLACK_API_URL must be an http(s) URL"),
        ("RELEASEBOT_PLAYBOOKS", "/no/such/folder", "RELEASEBOT_PLAYBOOKS /no/such/folder is not a folder"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(env, name, value, message):
    for key, good in GOOD.items():
        env.setenv(key, good)
    if value is None:
        env.delenv(name)
    else:
        env.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_config()
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_api_url_gets_its_trailing_slash_and_admins_split(env):
    for key, good in GOOD.items():
        env.setenv(key, good)
    env.setenv("SLACK_API_URL", "http://127.0.0.1:9000/api")
    env.setenv("RELEASEBOT_ADMINS", "U1, U2 U3")
    settings = load_config()
    assert settings.slack_api_url == "http://127.0.0.1:9000/api/"
    assert settings.admins == {"U1", "U2", "U3"}
