"""``python -m bench.simulate``: a label's weeks with Releasebot, seeded, and what each person received.

One PM and a label head in Berlin and seven people in Berlin, London and New York run five releases (singles,
EPs, an album created late) through the real app, in-process as the tests drive it: signed requests through
Bolt and waitress against the Slack stand-in, a settable clock, a tick every 30 minutes of every day. People
claim, deliver (by command, ✅ or the Done button), run late, block and unblock, and snooze, each by a seeded
plan. The report counts per person and ISO week what Slack received (DMs, @-mentions) and what the outbox sent
(escalations, and those that came before or with the item's overdue notice).
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import random
import sys
import tempfile
import time as wallclock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlmodel import col, select

from bench import results, tally
from bot.slack.installs import BOT_SCOPES
from messages.ids import EscalatedBlock
from storage.db import make_engine, migrate, session_scope
from storage.models import Deliverable, DeliverableState, Outbox, OutboxState, Release
from tests.support.harness import BotUnderTest, Clock, button_click
from tests.support.standin import SlackStandIn

ROOT = Path(__file__).parent.parent
WORKSPACE_TZ = "Europe/Berlin"
COUNTRY = "DE"
TICK_EVERY = timedelta(minutes=30)
START = date(2026, 12, 7)


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    tz: str
    teams: tuple[str, ...] = ()
    admin: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.user_id}|{self.name}>"


PM = Member("USIMPAULA", "paula", "Europe/Berlin")
HEAD = Member("USIMLENA", "lena", "Europe/Berlin", admin=True)
CREW = (
    Member("USIMJONAS", "jonas", "Europe/Berlin", ("A&R", "distribution")),
    Member("USIMKAI", "kai", "Europe/Berlin", ("distribution",)),
    Member("USIMMARA", "mara", "Europe/Berlin", ("marketing",)),
    Member("USIMDEE", "dee", "Europe/London", ("creative",)),
    Member("USIMOWEN", "owen", "Europe/London", ("PR", "marketing")),
    Member("USIMMIKA", "mika", "America/New_York", ("artist", "A&R")),
    Member("USIMRUBY", "ruby", "America/New_York", ("marketing", "creative")),
)
EVERYONE = (PM, HEAD, *CREW)
COUNTRY_OF = {"Europe/Berlin": "DE", "Europe/London": "GB", "America/New_York": "US"}
REASONS = ("waiting on the artist's sign-off", "the photographer is ill", "distributor portal is down",
           "missing the ISRC codes", "label copy not final")  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """A release: released on the Friday on or after ``release_in`` days from the start, created ``created_in``
    days after it. Items already due at creation were delivered before the bot (the PM marks them done), except
    on a ``late`` release, whose owners catch up."""

    title: str
    artist: str
    playbook: str
    release_in: int
    created_in: int
    late: bool = False


RELEASES = (
    Plan("Glasshouse", "Nova Lane", "single", 11, 0),
    Plan("Salt Lines", "The Tidewater", "ep", 32, 0),
    Plan("Night Bus", "Kit Marlow", "single", 39, 1),
    Plan("Harbour Lights", "Orla Finch", "ep", 60, 2),
    Plan("Long Division", "Parallel Hearts", "album", 88, 7, late=True),
)


@dataclass
class Run:
    """A finished simulation: what Slack received, what the outbox sent, and what was done."""

    start: date
    end: date
    seed: int
    posts: list[tally.Post]
    sent: list[tally.Sent]
    late_at_creation: set[int]
    releases: list[dict]
    actions: Counter
    standin: SlackStandIn
    seconds: float = 0.0
    figures: tally.Figures = field(init=False)

    def __post_init__(self):
        self.figures = tally.count(
            self.posts, self.sent, people={m.user_id: m.tz for m in EVERYONE}, days=working_days(self.start),
            late_at_creation=self.late_at_creation,
        )  # fmt: skip


def quiet_days(start: date, end: date) -> list[date]:
    """The label's own days off: Christmas Eve and New Year's Eve in the span."""
    years = range(start.year, end.year + 1)
    return [d for y in years for d in (date(y, 12, 24), date(y, 12, 31)) if start <= d <= end]


def working_days(start: date) -> tally.WorkingDays:
    end = start + timedelta(days=400)
    return tally.WorkingDays(
        WORKSPACE_TZ, start, holidays.country_holidays(COUNTRY, years=range(start.year, end.year + 1)),
        frozenset(quiet_days(start, end)),
    )  # fmt: skip


class Label:
    """The people, driving the bot: a timeline of ticks and actions, each run at its simulated instant."""

    def __init__(self, bot: BotUnderTest, standin: SlackStandIn, *, start: date, end: date, seed: int):
        self.bot, self.standin, self.start, self.end = bot, standin, start, end
        self.rng = random.Random(seed)
        self.timeline: list = []
        self._order = itertools.count()
        self._keys = itertools.count(1)
        self.posts: list[tally.Post] = []
        self._seen: dict[str, set[str]] = {}
        self._shape: dict[str, tuple[int, str]] = {}
        self.actions: Counter = Counter()
        self.late_at_creation: set[int] = set()
        self.releases: list[dict] = []
        self.channel_names: dict[str, str] = {}
        self.days_off = {tz: holidays.country_holidays(c, years=range(start.year, end.year + 1))
                         for tz, c in COUNTRY_OF.items()}  # fmt: skip
        self.label_days_off = set(quiet_days(start, end))

    # -- the timeline ---------------------------------------------------------------------------
    def at(self, when: datetime, action, *args) -> None:
        if self._instant(self.start, "00:00") <= when < self._instant(self.end, "00:00"):
            heapq.heappush(self.timeline, (when, next(self._order), action, args))

    def run(self) -> None:
        moment = self._instant(self.start, "00:00")
        while moment < self._instant(self.end, "00:00"):
            self.at(moment, self.tick)
            moment += TICK_EVERY
        admin_time = self._instant(self.start, "07:00")
        self.at(admin_time, self.set_up)
        for plan in RELEASES:
            self.at(self._instant(self.start + timedelta(plan.created_in), "08:00"), self.create, plan)
        while self.timeline:
            when, _, action, args = heapq.heappop(self.timeline)
            self.bot.clock.now = when
            action(*args)

    def _instant(self, day: date, clock: str, tz: str = WORKSPACE_TZ) -> datetime:
        return datetime.combine(day, time.fromisoformat(clock), ZoneInfo(tz)).astimezone(UTC)

    def tick(self) -> None:
        self.bot.runtime.ticker.tick(self.bot.clock.now)
        self.bot.settle()
        self.actions["ticks"] += 1
        self.observe()

    # -- what people do -------------------------------------------------------------------------
    def set_up(self) -> None:
        days = " ".join(d.isoformat() for d in quiet_days(self.start, self.end + timedelta(days=120)))
        for setting in (f"timezone {WORKSPACE_TZ}", f"holiday_country {COUNTRY}", f"label_heads {HEAD.mention}",
                        f"quiet_days {days}"):  # fmt: skip
            self.command(HEAD, f"settings {setting}")

    def create(self, plan: Plan) -> None:
        created = self.bot.clock.now.astimezone(ZoneInfo(WORKSPACE_TZ)).date()
        day = self.start + timedelta(plan.release_in)
        day += timedelta((4 - day.weekday()) % 7)
        team = " ".join(m.mention for m in CREW)
        self.command(PM, f'new "{plan.title}" by {plan.artist} on {day} playbook {plan.playbook} '
                         f"pm {PM.mention} team {team}")  # fmt: skip
        with session_scope(self.bot.engine) as session:
            release = session.exec(select(Release).where(Release.title == plan.title)).one()
            items = session.exec(
                select(Deliverable)
                .where(Deliverable.release_id == release.id)
                .order_by(Deliverable.position, Deliverable.id)
            ).all()
            items = [(d.key, d.team, d.due_date, d.id) for d in items]
            channel, channel_name = release.channel_id, release.channel_name
        self.channel_names[channel] = channel_name
        late = [i for i in items if i[2] < created]
        self.late_at_creation.update(i[3] for i in late)
        self.releases.append({"title": plan.title, "playbook": plan.playbook, "release_day": day,
                              "created": created, "items": len(items), "late": len(late)})  # fmt: skip
        for key, team, due, _id in items:
            if due < created and not plan.late:  # delivered before the label used the bot
                self.command(PM, f"done {key}", channel)
                continue
            self.plan_item(channel, key, team, due, created)

    def plan_item(self, channel: str, key: str, team: str, due: date, created: date) -> None:
        """The seeded life of one deliverable: who owns it (assigned now or claimed later), whether it gets
        snoozed or blocked, and when it is delivered: mostly early or on time, some late, a few very late."""
        rng = self.rng
        owner = rng.choice([m for m in CREW if team in m.teams] or list(CREW))
        if rng.random() < 0.7:
            self.command(PM, f"assign {key} {owner.mention}", channel)
            owned = created
        else:
            owned = max(created + timedelta(1), due - timedelta(rng.randint(3, 9)))
            self.act(owner, owned, self.claim, owner, channel, key)
        roll = rng.random()
        lateness = (-rng.randint(1, 5) if roll < 0.5 else 0 if roll < 0.7 else rng.randint(1, 3) if roll < 0.85
                    else rng.randint(4, 9))  # fmt: skip
        done = max(due + timedelta(lateness), owned + timedelta(rng.randint(1, 8) if due < created else 0))
        if rng.random() < 0.12:
            snoozed = max(owned, due - timedelta(rng.randint(1, 3)))
            until = snoozed + timedelta(rng.randint(2, 5))
            self.act(owner, snoozed, self.command, owner, f"snooze {key} {until}", channel)
        if rng.random() < 0.12:
            blocked = max(owned, done - timedelta(rng.randint(2, 5)))
            unblocked = blocked + timedelta(rng.randint(2, 6))
            self.act(owner, blocked, self.command, owner, f"block {key} {rng.choice(REASONS)}", channel)
            self.act(owner, unblocked, self.command, owner, f"unblock {key}", channel)
            done = max(done, unblocked + timedelta(rng.randint(1, 3)))
        how = rng.choices(["command", "reaction", "button"], weights=[40, 35, 25])[0]
        self.act(owner, done, self.deliver, owner, channel, key, how)

    def act(self, person: Member, day: date, action, *args) -> None:
        """``action`` on ``day`` or the person's next working day, at a random hour of their office day."""
        while day.weekday() >= 5 or day in self.days_off[person.tz] or day in self.label_days_off:
            day += timedelta(1)
        minutes = self.rng.randint(9 * 60 + 30, 17 * 60 + 30)
        self.at(self._instant(day, f"{minutes // 60:02d}:{minutes % 60:02d}", person.tz), action, *args)

    def claim(self, person: Member, channel: str, key: str) -> None:
        if self.rng.random() < 0.4 and self.press(person, channel, key, "checklist_claim"):
            return
        self.command(person, f"claim {key}", channel)

    def deliver(self, person: Member, channel: str, key: str, how: str) -> None:
        with session_scope(self.bot.engine) as session:
            d = session.exec(select(Deliverable).where(Deliverable.channel_id == channel, Deliverable.key == key)).one()
            if d.state != DeliverableState.OPEN:
                return
            ts = d.message_ts
        if how == "reaction" and ts:
            self.bot.react("white_check_mark", user=person.user_id, channel=channel, ts=ts)
            self.bot.settle()
            self.actions["reactions"] += 1
            self.observe()
        elif how != "button" or not self.press(person, channel, key, "checklist_done", ts=ts):
            self.command(person, f"done {key}", channel)

    def press(self, person: Member, channel: str, key: str, action_id: str, *, ts: str | None = None) -> bool:
        """Press a button on the deliverable's checklist message; False when it has no such button."""
        if ts is None:
            with session_scope(self.bot.engine) as session:
                ts = session.exec(
                    select(Deliverable.message_ts).where(Deliverable.channel_id == channel, Deliverable.key == key)
                ).one()
        message = next((m for m in self.standin.messages(channel) if m["ts"] == ts), None)
        answer = f"sim{next(self._keys)}"
        try:
            payload = button_click(message or {}, action_id, user=person.user_id, channel=channel,
                                   response_url=self.standin.response_url(answer))  # fmt: skip
        except IndexError:
            return False
        self.bot.interact(payload)
        self.bot.settle()
        self.actions["button presses"] += 1
        self.observe(answer, channel)
        return True

    def command(self, person: Member, text: str, channel: str = "CGENERAL") -> None:
        reply = self.bot.command(text, user=person.user_id, channel=channel,
                                 channel_name=self.channel_names.get(channel, "general"))  # fmt: skip
        self.bot.settle()
        self.actions["commands"] += 1
        self.observe(reply.response_key, channel)

    # -- what Slack received --------------------------------------------------------------------
    def observe(self, answer: str | None = None, channel: str | None = None) -> None:
        """Note, at the simulated instant, each message new in any conversation since the last look (an edit
        pings nobody, so a message counts as it was first posted), and a request's in-channel answer."""
        when = self.bot.clock.now
        for body in self.standin.responses(answer) if answer else []:
            if body.get("response_type") == "in_channel" and not body.get("replace_original"):
                self.posts.append(
                    tally.Post(when, channel, body.get("text", ""), body.get("blocks") or [], answer=True)
                )
        for channel_id, channel in list(self.standin.world.channels.items()):
            messages = channel["messages"]
            shape = (len(messages), messages[-1]["ts"] if messages else "")
            if self._shape.get(channel_id) == shape:
                continue
            self._shape[channel_id] = shape
            seen = self._seen.setdefault(channel_id, set())
            for message in self.standin.messages(channel_id):
                if message["ts"] in seen:
                    continue
                seen.add(message["ts"])
                dm_to = channel.get("user") if channel["is_im"] else None
                self.posts.append(tally.Post(when, channel_id, message.get("text", ""), message.get("blocks") or [],
                                             dm_to=dm_to))  # fmt: skip


def simulate(engine, database_url: str, *, start: date = START, days: int = 42, seed: int = 7) -> Run:
    """Run the label for ``days`` from ``start`` on an empty, migrated database."""
    began = wallclock.perf_counter()
    end = start + timedelta(days=days)
    with SlackStandIn(scopes=set(BOT_SCOPES)) as standin:
        for m in EVERYONE:
            standin.add_user(m.user_id, name=m.name, tz=m.tz, is_admin=m.admin)
        clock = Clock(datetime.combine(start, time(0), UTC))
        bot = BotUnderTest(standin=standin, engine=engine, clock=clock, database_url=database_url).start()
        try:
            label = Label(bot, standin, start=start, end=end, seed=seed)
            label.run()
        finally:
            bot.stop()
    with session_scope(engine) as session:
        told = (OutboxState.SENT, OutboxState.CARRIED)
        rows = session.exec(select(Outbox).where(col(Outbox.state).in_(told))).all()
        sent = [
            tally.Sent(
                r.kind, r.channel, r.text, tally.utc(r.sent_at or r.created_at), r.deliverable_id,
                tuple(item for item, _ in EscalatedBlock.found_in(r.blocks)), carried=r.state == OutboxState.CARRIED,
            )
            for r in rows
        ]  # fmt: skip
    return Run(start, end, seed, label.posts, sent, label.late_at_creation, label.releases, label.actions,
               standin, seconds=wallclock.perf_counter() - began)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=float, default=6, help="how long to simulate (1/7 is a day)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=date.fromisoformat, default=START, help="the first day (a Monday)")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md",
                        help="the file whose simulation section is replaced (or appended)")  # fmt: skip
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='releasebot-sim-')}/sim.db"
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        if session.exec(select(Release.id).limit(1)).first() is not None:
            sys.exit(f"{url} already holds releases: give the simulation an empty database")
    run = simulate(engine, url, start=args.start, days=round(args.weeks * 7), seed=args.seed)
    command = f"python -m bench.simulate --weeks {args.weeks:g} --seed {args.seed} --start {args.start}"
    report = tally.report(run, command=command, people=EVERYONE, database=url.split(":", 1)[0])
    results.write_section(args.output, "simulation", report)
    print(report)


if __name__ == "__main__":
    main()
