"""Fetching a shared file's bytes from its ``url_private`` with the workspace's bot token, as Slack asks.

Without ``files:read`` (or with a wrong token) Slack does not refuse: it answers with its sign-in page, so an
HTML answer for a file that is not HTML is a failed download, not a file. The bytes are spooled to a
temporary file once past a few megabytes: a master can be hundreds.
"""

from __future__ import annotations

import logging
import tempfile
import urllib.error
import urllib.request

from bot.slack.sender import Sender

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
CHUNK = 1024 * 1024
IN_MEMORY = 8 * 1024 * 1024


class DownloadFailed(Exception):
    """The file could not be fetched; ``reason`` is ``too_big`` or ``download_failed``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def download(sender: Sender, team_id: str, shared: dict, *, limit: int) -> tempfile.SpooledTemporaryFile:
    """The bytes of ``shared`` (a file as a message event carries it), rewound; DownloadFailed when Slack will not
    give them, they are more than ``limit`` bytes, or the URL is not Slack's (the token goes nowhere else)."""
    if int(shared.get("size") or 0) > limit:
        raise DownloadFailed("too_big")
    token, url = sender.tokens.bot_token(team_id), shared.get("url_private") or ""
    if token is None or not sender.trusts_file_url(url):
        log.warning("file %s not downloaded from %r", shared.get("id"), url[:80], extra={"slack_team": team_id})
        raise DownloadFailed("download_failed")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    spooled = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - Slack's own URL
            kind = answer.headers.get("Content-Type", "")
            if kind.startswith("text/html") and "html" not in (shared.get("mimetype") or ""):
                raise DownloadFailed("download_failed")  # the sign-in page: no files:read, or a bad token
            _copy(answer, spooled, limit)
    except (urllib.error.URLError, OSError) as error:
        spooled.close()
        log.warning("file %s not downloaded: %r", shared.get("id"), error, extra={"slack_team": team_id})
        raise DownloadFailed("download_failed") from None
    except DownloadFailed:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


def _copy(source, target, limit: int) -> None:
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise DownloadFailed("too_big")
        target.write(chunk)
