"""The bot token goes with a file download only to Slack's own hosts over HTTPS, or to the Web API's own host."""

import pytest

from bot.slack.sender import Sender


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://files.slack.com/files-pri/T1-F1/cover.png", True),
        ("https://slack.com/files/F1", True),
        ("http://files.slack.com/files-pri/T1-F1/cover.png", False),
        ("https://files.slack.com.example.net/cover.png", False),
        ("https://example.net/files.slack.com/cover.png", False),
        ("http://127.0.0.1:5000/files-pri/F1/cover.png", True),
        ("http://127.0.0.1:5001/files-pri/F1/cover.png", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_which_file_urls_the_token_may_go_to(url, trusted):
    assert Sender(tokens=None, base_url="http://127.0.0.1:5000/api/").trusts_file_url(url) is trusted
