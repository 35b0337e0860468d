"""Sending what the outbox holds: leased in batches, paced per channel, retried with backoff, and reported
to the release's PM when no retry can deliver it."""

from __future__ import annotations

import logging
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.release.artist import brief
from bot.release.foresight import weekly
from bot.release.language import language_of
from bot.release.outcome import utc
from bot.release.planning import Planned, reserve
from bot.slack import pictures
from bot.slack.sender import NOT_INSTALLED, PERMANENT_ERRORS, Sender, error_code
from messages import builders
from messages.render import MAX_MESSAGE_BLOCKS, MAX_MESSAGE_TEXT, Message, words
from storage import outbox
from storage.db import session_scope
from storage.models import Outbox, OutboxState, Release

log = logging.getLogger(__name__)

# A leased batch must be sent within the lease, or another process may take it over. Batches are
# large so that one person's or channel's pile of messages (paced ~1/s) overlaps everyone else's.
LEASE = timedelta(minutes=30)
BATCH = 2000
# Claims of a weekly picture, drawn and uploaded when they are sent.
PICTURES = frozenset({weekly.LABEL_PICTURE, weekly.PM_PICTURE})
# DMs that go as a message of their own, never combined with others: their buttons rewrite the whole message.
ALONE = frozenset({*PICTURES, brief.OUTBOX_KIND})


@dataclass
class TickReport:
    reserved: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    stale: int = 0


class Delivery:
    def __init__(self, engine: Engine, sender: Sender, *, retry_for: timedelta = timedelta(hours=6)):
        self._engine = engine
        self._sender = sender
        self._retry_for = retry_for

    def deliver(self, now: datetime, report: TickReport) -> None:
        while True:
            with session_scope(self._engine) as session:
                batch = outbox.take_due(session=session, now=now, until=now + LEASE, limit=BATCH)
            if not batch:
                return
            self._send_paced(batch, now, report)
            if len(batch) < BATCH:
                return

    def _send_paced(self, batch: list[Outbox], now: datetime, report: TickReport) -> None:
        """Send a batch, always to a channel that may take a post now, so one busy channel's
        ~1 message/second pace never holds up the others; sleep only when every channel left is busy."""
        waiting = _interleave(posts_for(batch))
        while waiting:
            ready = next((post for post in waiting if self._sender.wait_before(post[0].channel) == 0), None)
            if ready is None:
                clock.sleep(min(self._sender.wait_before(post[0].channel) for post in waiting))
                continue
            waiting.remove(ready)
            self._send(ready, now, report)

    def _send(self, rows: list[Outbox], now: datetime, report: TickReport) -> None:
        """One Slack post for ``rows`` (one row, or several to one person as one DM); they share its fate."""
        first = rows[0]
        outcome: dict = {"error": None}
        wording = "delivery_failed"  # what the PM is told if it fails for good: Slack's refusal
        messages = [Message(text=row.text, blocks=row.blocks) for row in rows]
        try:
            if self._carry(first, messages, now=now):
                outcome |= {"state": OutboxState.SENT, "sent_at": now}
                report.sent += len(rows)
            else:  # its releases were archived since the tick claimed it: nothing left to picture
                outcome |= {"state": OutboxState.STALE, "error": "nothing_to_show"}
                report.stale += len(rows)
        except SlackApiError as error:
            code = outcome["error"] = error_code(error)
            if code in PERMANENT_ERRORS:
                outcome["state"] = OutboxState.FAILED
        except OSError as error:  # network trouble the client's own retries did not get past
            outcome["error"] = type(error).__name__
        except Exception as error:  # noqa: BLE001 - one message that cannot be sent never stops the others
            # Not Slack refusing, nor the network: nothing a retry is known to fix (words that raise, say).
            ids = {"slack_team": first.team_id, "slack_channel": first.channel, "outbox_ids": [r.id for r in rows]}
            log.exception("outbox %s not sent (%s)", ", ".join(r.key for r in rows), first.kind, extra=ids)
            outcome |= {"state": OutboxState.FAILED, "error": type(error).__name__[:64]}
            wording = "delivery_broke"
        follow_up = None
        # Nobody to tell in a workspace that removed the app.
        if outcome.get("state") == OutboxState.FAILED:
            report.failed += len(rows)
            if outcome["error"] != NOT_INSTALLED:
                follow_up = self._failure_report(first, wording, outcome["error"], now)
        with session_scope(self._engine) as session:
            for row in rows:
                retry = {} if "state" in outcome else self._retry_later(row, outcome["error"], now, report)
                outbox.settle(session=session, row_id=row.id, **(outcome | retry))
            if follow_up is not None:
                reserve(session, [follow_up], now=now)

    def _retry_later(self, row: Outbox, code: str, now: datetime, report: TickReport) -> dict:
        if row.expires_at is not None and utc(row.expires_at) <= now:
            report.stale += 1
            return {"state": OutboxState.STALE, "error": code}
        report.retrying += 1
        backoff = timedelta(seconds=min(30 * 2**row.attempts, 1800))
        return {"error": code, "next_attempt_at": now + backoff}

    def _failure_report(self, row: Outbox, wording: str, code: str, now: datetime) -> Planned | None:
        """Tell the release's PM, once, about a message no retry can deliver (if the report can be worded)."""
        if row.release_id is None or row.kind == "failure":
            return None
        try:
            return self._worded_failure_report(row, wording, code, now)
        except Exception:  # noqa: BLE001 - the row is settled and the batch goes on without the report
            log.exception("could not word the report on outbox %s", row.key, extra={"outbox_ids": [row.id]})
            return None

    def _worded_failure_report(self, row: Outbox, wording: str, code: str, now: datetime) -> Planned | None:
        with session_scope(self._engine) as session:
            release = session.get(Release, row.release_id)
            if release is None or not release.pm_id or release.pm_id == row.channel:
                return None
            lang = language_of(session, row.team_id, release.pm_id)
        target = f"<@{row.channel}>" if row.channel.startswith(("U", "W")) else f"<#{row.channel}>"
        text = str(getattr(words("reminders", lang), wording)(row.kind, target, code))
        return Planned(
            team_id=row.team_id,
            key=f"failure:{row.id}",
            kind="failure",
            channel=release.pm_id,
            message=builders.text_message(text),
            expires_at=now + self._retry_for,
            release_id=release.id,
        )

    def _carry(self, first: Outbox, messages: list[Message], *, now: datetime) -> bool:
        """Post the batch (one person's DMs combined), or draw and upload the picture a claim stands for;
        False when the picture has nothing left to show."""
        if first.kind in PICTURES:
            label_wide = first.kind == weekly.LABEL_PICTURE
            return pictures.send(self._engine, self._sender, first.team_id, first.channel, label_wide=label_wide,
                                 now=now)  # fmt: skip
        self._sender.post(first.team_id, first.channel, builders.combined(messages))
        return True


def posts_for(rows: list[Outbox]) -> list[list[Outbox]]:
    """The posts that carry ``rows``: one per row in a channel (each its own message to react to and
    thread under), while what waits for one person goes as few DMs as Slack's limits allow, not a pile
    of pings paced a second apart (a PM with forty items late since Friday gets one DM of notices, not forty). A
    file goes alone, with its own comment, and so does the artist's brief, whose buttons rewrite its message."""
    posts: list[list[Outbox]] = []
    open_dm: dict[str, list[Outbox]] = {}
    for row in rows:
        if row.kind in ALONE or not row.channel.startswith(("U", "W")):
            posts.append([row])
            continue
        current = open_dm.get(row.channel)
        if current is None or not _fits(current, row):
            current = open_dm[row.channel] = []
            posts.append(current)
        current.append(row)
    return posts


def _fits(post: list[Outbox], row: Outbox) -> bool:
    """Whether ``row`` can join ``post`` within one message's blocks (with dividers) and text."""
    blocks = sum(len(r.blocks) + 1 for r in post) + len(row.blocks)
    text = sum(len(r.text) + 2 for r in post) + len(row.text)
    return blocks <= MAX_MESSAGE_BLOCKS and text <= MAX_MESSAGE_TEXT


def _interleave(posts: list[list[Outbox]]) -> list[list[Outbox]]:
    """Round-robin over channels, so one channel's ~1 message/second pace never holds up the others."""
    per_channel: dict[str, list[list[Outbox]]] = defaultdict(list)
    for post in posts:
        per_channel[post[0].channel].append(post)
    queues = list(per_channel.values())
    ordered = []
    for depth in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[depth] for q in queues if depth < len(q))
    return ordered
