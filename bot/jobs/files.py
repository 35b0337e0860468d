"""A message in a release channel with files, or with codes in the metadata's thread: the files are attached to
the deliverable whose checklist thread they are in (or whose key the message names), fetched, checked against
its specification, and answered in the thread in the poster's language.

Three steps, so no Slack call or download holds a transaction open: find the deliverable (and what the
release's other masters are); fetch and check; attach with the event id recorded, then answer. A replayed
event finds its id recorded and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.release import deliverables
from bot.release.artist import approvals
from bot.release.file_checks import (
    MAX_DOWNLOAD_BYTES,
    Finding,
    Spec,
    Verdict,
    cannot_read,
    check_codes,
    check_cover,
    check_master,
    spec_of,
)
from bot.release.language import language_of
from bot.runtime.context import Runtime, event_id
from bot.slack.files import DownloadFailed, download
from messages import file_checks
from storage import files as stored
from storage import queries
from storage.db import session_scope
from storage.inbox import Item
from storage.models import Deliverable, DeliverableFile, DeliverableState, Release

# Slack shares at most 10 files in one message; a payload claiming more is read no further.
MOST_CHECKED = 10


@dataclass(frozen=True)
class Target:
    release: Release
    deliverable: Deliverable
    spec: Spec | None
    lang: str
    # Bit depths of the release's masters already attached, for a master.
    release_bits: frozenset[int] = frozenset()


def shared(runtime: Runtime, item: Item) -> Callable[[], None] | None:
    """Attach, check and record; the thread's answer (and the approvers asked again) go to Slack after."""
    body, event = item.body, item.body["event"]
    team_id, user, channel = body["team_id"], event.get("user", ""), event.get("channel", "")
    files = [f for f in event.get("files") or [] if f.get("id")][:MOST_CHECKED]
    runtime.directory.refresh(team_id, [user])  # the poster's locale, before any transaction
    target = _target(runtime, body, files)
    if target is None:
        return None
    checked_files = files if target.spec in (Spec.COVER, Spec.MASTER) else []
    each = _same_depth([_checked(runtime, team_id, target, f) for f in checked_files])
    verdicts = {f["id"]: verdict for f, verdict in zip(checked_files, each, strict=True)}
    codes = check_codes(event.get("text") or "") if target.spec == Spec.CODES else None
    with session_scope(runtime.engine) as session:
        if not queries.mark_processed(session=session, team_id=team_id, event_id=event_id(body), now=item.received_at):
            return None
        new = _attach(session, target, files, verdicts, user=user, at=item.received_at)
        d = queries.get_deliverable(session=session, team_id=team_id, deliverable_id=target.deliverable.id)
        # The newest file is what the sign-offs after this deliverable approve: they are asked again.
        asks = approvals.file_arrived(session, target.release, d, new[-1]) if new else []
    answered = [verdicts[row.file_id] for row in new if row.file_id in verdicts]
    answered += [codes] if codes is not None else []
    message = file_checks.checked(d, answered, can_finish=d.state == DeliverableState.OPEN, lang=target.lang)
    thread = event.get("thread_ts") or event.get("ts", "")
    return lambda: _answer(runtime, team_id, channel, thread, message if answered else None, asks)


def _target(runtime: Runtime, body: dict, files: list[dict]) -> Target | None:
    """The deliverable a message is for and what it is checked against; None when it is for none, or there is
    nothing to look at (a thread reply without files where no codes are expected)."""
    team_id, event = body["team_id"], body["event"]
    with session_scope(runtime.engine) as session:
        release = queries.release_in_channel(session=session, team_id=team_id, channel_id=event.get("channel", ""))
        if not deliverables.is_active(release):
            return None
        if stored.was_processed(session=session, team_id=team_id, event_id=event_id(body)):
            return None
        d = _deliverable_of(session, release, event)
        if d is None:
            return None
        spec = spec_of(d.key)
        if not files and spec != Spec.CODES:
            return None
        bits = set()
        if spec == Spec.MASTER:
            bits = stored.master_bits(session=session, team_id=team_id, release_id=release.id, spec=spec,
                                      leaving_out={f["id"] for f in files})  # fmt: skip
        lang = language_of(session, team_id, event.get("user", ""))
    return Target(release, d, spec, lang, frozenset(bits))


def _deliverable_of(session: Session, release: Release, event: dict) -> Deliverable | None:
    """The deliverable whose checklist message the message answers in its thread, else the one whose key (alone)
    it names."""
    thread = event.get("thread_ts")
    if thread and thread != event.get("ts"):
        found = queries.deliverable_by_message(
            session=session, team_id=release.team_id, channel_id=release.channel_id, ts=thread
        )
        return found if found is not None and found.state != DeliverableState.REMOVED else None
    if not event.get("files"):
        return None
    live = queries.load_bundle(session=session, release=release, readonly=True).live
    text = (event.get("text") or "").lower()
    named = [d for d in live if re.search(rf"(?<![\w-]){re.escape(d.key)}(?![\w-])", text)]
    return named[0] if len(named) == 1 else None


def _checked(runtime: Runtime, team_id: str, target: Target, shared_file: dict) -> Verdict:
    name = _name(shared_file)
    try:
        content = download(runtime.sender, team_id, shared_file, limit=MAX_DOWNLOAD_BYTES)
    except DownloadFailed as failed:
        return cannot_read(target.spec, name, failed.reason)
    with content:
        if target.spec == Spec.COVER:
            return check_cover(name, content)
        return check_master(name, content, release_bits=set(target.release_bits))


def _name(shared_file: dict) -> str:
    return str(shared_file.get("name") or shared_file.get("title") or shared_file["id"])


def _same_depth(verdicts: list[Verdict]) -> list[Verdict]:
    """Masters shared together must agree with each other too: the first passing one sets the depth."""
    first = next((v.facts["bits"] for v in verdicts if v.spec == Spec.MASTER and v.passed), None)
    if first is None:
        return verdicts
    return [
        Verdict(v.spec, v.name, v.facts, (Finding("master_bits_differ", {"bits": v.facts["bits"], "others": [first]}),))
        if v.spec == Spec.MASTER and v.passed and v.facts["bits"] != first
        else v
        for v in verdicts
    ]


def _attach(
    session: Session, target: Target, files: list[dict], verdicts: dict[str, Verdict], *, user: str, at
) -> list[DeliverableFile]:
    """Attach each file (with its verdict, when checked); those newly attached, in order."""
    new = []
    for shared_file in files:
        verdict = verdicts.get(shared_file["id"])
        row = DeliverableFile(
            team_id=target.release.team_id,
            release_id=target.release.id,
            deliverable_id=target.deliverable.id,
            file_id=shared_file["id"],
            name=_name(shared_file)[:255],
            shared_by=user,
            shared_at=at,
            spec=target.spec.value if target.spec in (Spec.COVER, Spec.MASTER) else "",
            verdict=verdict.state if verdict is not None else "unchecked",
            details={} if verdict is None else {**verdict.facts, "problems": [p.code for p in verdict.problems]},
        )
        if stored.attach(session=session, row=row):
            new.append(row)
            queries.log_activity(session=session, team_id=row.team_id, actor_id=user, action="file", at=at,
                                 release_id=row.release_id, deliverable_id=row.deliverable_id, file=row.file_id,
                                 verdict=row.verdict)  # fmt: skip
    return new


def _answer(runtime: Runtime, team_id: str, channel: str, thread: str, message, asks: list) -> None:
    """The verdict in the thread (when there is one), then the approvers asked again."""
    if message is not None:
        try:
            runtime.sender.post(team_id, channel, message, thread_ts=thread)
        except SlackApiError:
            pass  # the sender logged it; the file stays attached with its verdict
    runtime.followup.submit(asks)
