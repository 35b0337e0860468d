"""The Slack work done after the ack: channels, checklists, announcements and DMs.

Effects run on a background pool. What they produce is driven by the database
(a checklist message is re-rendered while its deliverable's ``rendered_version`` lags
``version``; a release without a channel still needs one), so a crash or restart loses
nothing: :meth:`FollowUp.reconcile` finishes whatever was left undone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.release.artist import approvals
from bot.release.calendar import local_today
from bot.release.channels import channel_name, with_suffix
from bot.release.home import home_view
from bot.release.language import language_of
from bot.release.outcome import (
    ArchiveChannel,
    DirectMessage,
    Effect,
    Post,
    RefreshHome,
    RetitleChannel,
    SendPicture,
    SetUpChannel,
    SyncChecklist,
)
from bot.runtime.background import Background
from bot.slack import pictures
from bot.slack.gathering import Gathering
from bot.slack.people import Directory
from bot.slack.rosters import Rosters
from bot.slack.sender import PERMANENT_ERRORS, Sender, error_code
from messages import builders
from storage import queries
from storage.db import session_scope
from storage.locks import Holding, LeaseLost, exclusive
from storage.models import Deliverable, Release

log = logging.getLogger(__name__)

MAX_NAME_ATTEMPTS = 20


def _lagging(session, release_id: int) -> tuple[list[Deliverable], queries.ChecklistContext] | None:
    """The checklist messages that lag their deliverables, with what they show besides; None when none does."""
    lagging = queries.deliverables_needing_render(session=session, release_id=release_id)
    if not lagging:
        return None
    return lagging, queries.checklist_context(session=session, deliverable_ids=[d.id for d in lagging])


class FollowUp:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        directory: Directory,
        rosters: Rosters,
        *,
        respond: Callable[[str, dict], None],
        background: Background,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._engine = engine
        self._sender = sender
        self._directory = directory
        self._rosters = rosters
        self.respond = respond  # posts to a response_url (commands answer there too)
        self._clock = clock
        self._background = background
        self._gathering = Gathering(clock)

    # -- scheduling ---------------------------------------------------------------------------
    def submit(self, effects: Iterable[Effect]) -> None:
        effects = list(effects)
        if effects:
            self._background.submit(self.run, effects)

    def reconcile(self) -> None:
        """Finish what a previous process left undone: channels to create, messages to post or update."""
        with session_scope(self._engine) as session:
            releases = queries.releases_needing_sync(session=session)
        for release in releases:
            if release.setup_error:
                continue
            self.submit([SetUpChannel(release.id) if release.channel_id is None else SyncChecklist(release.id)])

    # -- running ------------------------------------------------------------------------------
    def run(self, effects: list[Effect]) -> None:
        for effect in effects:
            try:
                match effect:
                    case SetUpChannel(release_id):
                        self.set_up_channel(release_id)
                    case SyncChecklist(release_id, overview):
                        self.sync_checklist(release_id, overview=overview)
                    case Post(team_id, channel, message):
                        self._sender.post(team_id, channel, message)
                    case DirectMessage(team_id, user_id, macro, args):
                        self.direct_message(team_id, user_id, macro, args)
                    case RetitleChannel(release_id):
                        self.retitle_channel(release_id)
                    case ArchiveChannel(release_id):
                        self.archive_channel(release_id)
                    case RefreshHome(team_id, user_ids, notice):
                        self.refresh_home(team_id, user_ids, notice=notice)
                    case SendPicture(team_id, user_id, label_wide):
                        pictures.send(self._engine, self._sender, team_id, user_id, label_wide=label_wide,
                                      now=self._clock())  # fmt: skip
            except SlackApiError as error:
                # Logged by the sender; one failed effect must not stop the rest.
                log.warning("effect %s not completed: %s", type(effect).__name__, error_code(error))
            except LeaseLost as lost:
                # Another process may hold it now, and carries the work on from what is recorded.
                log.warning("effect %s stopped: lease %s could not be renewed", type(effect).__name__, lost)

    def set_up_channel(self, release_id: int) -> None:
        """Create the channel, invite the people, set topic, pin the overview, post the checklist."""
        with exclusive(self._engine, "setup", release_id) as holding:
            with session_scope(self._engine) as session:
                release = session.get(Release, release_id)
                if release is None or release.channel_id is not None:
                    return
            self._directory.refresh(release.team_id, [release.created_by])
            with session_scope(self._engine) as session:
                release = session.get(Release, release_id)
                creator = queries.get_person(session=session, team_id=release.team_id, user_id=release.created_by)
                if creator is not None and creator.tz:
                    release.timezone = creator.tz
                taken = queries.taken_channel_names(session=session, team_id=release.team_id)
            try:
                holding.check()
                channel = self._create_channel(release, taken)
            except SlackApiError as error:
                self._setup_failed(release_id, error_code(error))
                return
            with session_scope(self._engine) as session:
                release = session.get(Release, release_id)
                queries.set_release_channel(
                    session=session, release=release, channel_id=channel["id"], channel_name=channel["name"]
                )
        self._invite(release, channel["id"])
        self._rosters.read(release.team_id, channel["id"])
        topic = builders.channel_topic(release, lang=self._language(release.team_id))
        self._try(release.team_id, "conversations.setTopic", channel=channel["id"], topic=topic)
        self.sync_checklist(release_id, overview=True)
        self._tell_creator(release_id, "channel_ready")

    def _create_channel(self, release: Release, taken: set[str]) -> dict:
        base = channel_name(release.release_date, release.artist, release.title)
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            name = with_suffix(base, attempt)
            if name in taken:
                continue
            try:
                return self._sender.call(release.team_id, "conversations.create", name=name, is_private=False)[
                    "channel"
                ]
            except SlackApiError as error:
                if error_code(error) != "name_taken":
                    raise
        raise SlackApiError("no free channel name", {"ok": False, "error": "name_taken"})

    def _invite(self, release: Release, channel_id: str) -> None:
        people = [u for u in dict.fromkeys([release.created_by, release.pm_id, *release.team_members]) if u]
        try:
            self._sender.call(
                release.team_id, "conversations.invite", channel=channel_id, users=",".join(people), force=True
            )
        except SlackApiError:
            # One bad user fails the whole call; invite one by one so everyone else still gets in.
            for user in people:
                self._try(release.team_id, "conversations.invite", channel=channel_id, users=user)

    def _setup_failed(self, release_id: int, problem: str) -> None:
        with session_scope(self._engine) as session:
            release = session.get(Release, release_id)
            release.setup_error = problem
            session.add(release)
        self._tell_creator(release_id, "setup_failed", problem)

    def _tell_creator(self, release_id: int, macro: str, *args) -> None:
        """Answer where the command was typed (its response_url, in the workspace's language, as its first
        answer was), or by DM in the creator's own language (the form's way, or once the URL has expired)."""
        with session_scope(self._engine) as session:
            release = session.get(Release, release_id)
        if release.setup_response_url:
            message = builders.reply("replies", macro, release, *args, lang=self._language(release.team_id))
            try:
                self.respond(release.setup_response_url, {"response_type": "ephemeral", **message.as_kwargs()})
                return
            except Exception:  # noqa: BLE001 - any failure of the one-shot URL falls back to a DM
                log.info("response_url expired for release %s; sending a DM", release_id)
        lang = self._language(release.team_id, release.created_by)
        self._try_post(release.team_id, release.created_by, builders.reply("replies", macro, release, *args, lang=lang))

    def sync_checklist(self, release_id: int, *, overview: bool = False) -> None:
        """Post or update every checklist message that lags its deliverable, until none does (one may change
        while another is being sent)."""
        with exclusive(self._engine, "checklist", release_id) as holding:
            if overview:
                self._sync_overview(release_id, holding)
            with session_scope(self._engine) as session:
                release = session.get(Release, release_id)
                if release is None or release.channel_id is None:
                    return
                lang = self._language(release.team_id, session=session)
                lagging = _lagging(session, release_id)
            while lagging is not None:
                lagging = self._show(release, lang, *lagging, holding=holding)

    def _show(
        self,
        release: Release,
        lang: str,
        lagging: list[Deliverable],
        shown: queries.ChecklistContext,
        *,
        holding: Holding,
    ) -> tuple[list[Deliverable], queries.ChecklistContext] | None:
        """Send each of ``lagging`` and record it as soon as Slack has it (a post that is not recorded would
        be posted again). What lags after them is read in the transaction that records the last one."""
        today = local_today(self._clock(), release.timezone)
        after = None
        for item in lagging:
            message = builders.checklist_item(
                item,
                blocker=shown.open_blockers.get(item.id),
                waiting_on=shown.waiting_on.get(item.id, []),
                today=today,
                lang=lang,
                sign_off=approvals.standing(item, shown.approvals.get(item.id, [])),
            )
            ts = self._render(release.team_id, release.channel_id, item.message_ts, message, holding)
            with session_scope(self._engine) as session:
                queries.record_rendered(session=session, deliverable=item, ts=ts, channel_id=release.channel_id)
                if item is lagging[-1]:
                    after = _lagging(session, release.id)
        return after

    def _render(self, team_id: str, channel: str, ts: str | None, message, holding: Holding) -> str:
        """Update the message at ``ts``, or post it, while this process still holds the checklist's lease."""
        holding.check()
        if ts is not None:
            try:
                self._sender.update(team_id, channel, ts, message)
                return ts
            except SlackApiError as error:
                if error_code(error) != "message_not_found":
                    raise
        return self._sender.post(team_id, channel, message)["ts"]

    def _sync_overview(self, release_id: int, holding: Holding) -> None:
        with session_scope(self._engine) as session:
            release = session.get(Release, release_id)
            total = len(queries.load_bundle(session=session, release=release, readonly=True).live)
            lang = self._language(release.team_id, session=session)
        message = builders.overview(release, playbook=release.playbook, total=total, lang=lang)
        ts = self._render(release.team_id, release.channel_id, release.overview_ts, message, holding)
        if ts != release.overview_ts:
            self._try(release.team_id, "pins.add", channel=release.channel_id, timestamp=ts)
            with session_scope(self._engine) as session:
                row = session.get(Release, release_id)
                row.overview_ts = ts
                session.add(row)

    def retitle_channel(self, release_id: int) -> None:
        with session_scope(self._engine) as session:
            release = session.get(Release, release_id)
            taken = queries.taken_channel_names(session=session, team_id=release.team_id) - {release.channel_name}
        if release.channel_id is None:
            return
        base = channel_name(release.release_date, release.artist, release.title)
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            name = with_suffix(base, attempt)
            if name == release.channel_name:
                break
            if name in taken:
                continue
            try:
                self._sender.call(release.team_id, "conversations.rename", channel=release.channel_id, name=name)
            except SlackApiError as error:
                if error_code(error) == "name_taken":
                    continue
                break  # renaming is a courtesy; the topic below still carries the new date
            with session_scope(self._engine) as session:
                row = session.get(Release, release_id)
                row.channel_name = name
                session.add(row)
            break
        topic = builders.channel_topic(release, lang=self._language(release.team_id))
        self._try(release.team_id, "conversations.setTopic", channel=release.channel_id, topic=topic)

    def archive_channel(self, release_id: int) -> None:
        with session_scope(self._engine) as session:
            release = session.get(Release, release_id)
        if release.channel_id:
            self._try(release.team_id, "conversations.archive", channel=release.channel_id)

    def direct_message(self, team_id: str, user_id: str, macro: str, args: tuple) -> None:
        self._directory.refresh(team_id, [user_id])  # their locale, fetched at most twice a day
        lang = self._language(team_id, user_id)
        self._gathering.tell(
            (team_id, user_id), macro, args, lang=lang,
            post=lambda message: self._sender.post(team_id, user_id, message),
            update=lambda channel, ts, message: self._sender.update(team_id, channel, ts, message),
        )  # fmt: skip

    def refresh_home(self, team_id: str, user_ids: Iterable[str], *, notice: str | None = None) -> None:
        """Republish the App Home of each of ``user_ids`` who looks at theirs, so it never shows work that has
        changed (in their language); with a ``notice`` (a button's answer there), theirs at once."""
        user_ids = list(user_ids)
        if notice is None:
            with session_scope(self._engine) as session:
                user_ids = sorted(queries.home_viewers(session=session, team_id=team_id, user_ids=user_ids))
        self._directory.refresh(team_id, user_ids)
        for user_id in user_ids:
            with session_scope(self._engine) as session:
                view = home_view(session, team_id=team_id, user_id=user_id, now=self._clock(), notice=notice)
            self._try(team_id, "views.publish", user_id=user_id, view=view)

    def _language(self, team_id: str, user_id: str | None = None, *, session=None) -> str:
        if session is None:
            with session_scope(self._engine) as session:
                return language_of(session, team_id, user_id)
        return language_of(session, team_id, user_id)

    def _try(self, team_id: str, method: str, **params) -> None:
        """A call whose failure should not stop the rest (the sender has logged it)."""
        try:
            self._sender.call(team_id, method, **params)
        except SlackApiError:
            pass

    def _try_post(self, team_id: str, channel: str, message) -> None:
        try:
            self._sender.post(team_id, channel, message)
        except SlackApiError as error:
            if error_code(error) not in PERMANENT_ERRORS:
                raise
