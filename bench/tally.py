"""What a simulated label received, counted from what Slack got and what the outbox says it sent: per person
and ISO week, DMs, @-mentions, escalation digests and the items they carried, and items escalated too early.
Independent of wording: messages are told apart by the outbox's kind, mentions by Slack's ``<@U…>`` markup,
a digest's items by their block ids."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
ANSWER = "command answer"
OTHER = "other (checklist, effects)"


@dataclass(frozen=True)
class Post:
    """One message as Slack received it, at the simulated time it arrived."""

    at: datetime
    channel: str
    text: str
    blocks: list
    dm_to: str | None = None  # the person whose DM it landed in
    answer: bool = False  # an in-channel answer on a command's response_url

    def mentioned(self) -> set[str]:
        return set(MENTION.findall(self.text + json.dumps(self.blocks, ensure_ascii=False)))


@dataclass(frozen=True)
class Sent:
    """One outbox row that went out."""

    kind: str
    channel: str
    text: str
    sent_at: datetime
    deliverable_id: int | None
    # The deliverables an escalation digest carried (its item blocks' ids).
    items: tuple[int, ...] = ()
    carried: bool = False  # a line inside another row's DM (a person's ladder DM), not a message of its own


@dataclass(frozen=True)
class WorkingDays:
    """The workspace's working days as the scenario declares them (weekdays, its country's public holidays,
    its quiet days), numbered from ``origin``; a day off gets the number of the working day before it."""

    timezone: str
    origin: date
    holidays: object
    quiet_days: frozenset[date]
    workdays: frozenset[int] = frozenset(range(5))

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.quiet_days and day not in self.holidays

    def index(self, moment: datetime) -> int:
        """Working days from ``origin`` to ``moment``'s local day: equal numbers are the same working day."""
        day = moment.astimezone(ZoneInfo(self.timezone)).date()
        return sum(self.is_workday(self.origin + timedelta(n)) for n in range((day - self.origin).days + 1))


@dataclass
class Figures:
    """Per person and ISO week: what they received."""

    dms: Counter = field(default_factory=Counter)
    mentions: Counter = field(default_factory=Counter)
    digests: Counter = field(default_factory=Counter)  # escalation messages received
    escalations: Counter = field(default_factory=Counter)  # the items they carried, each once per message
    premature: Counter = field(default_factory=Counter)
    late_at_creation: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)  # sent outbox rows by kind: to a person, a channel, or in a DM
    mention_sources: Counter = field(default_factory=Counter)
    dm_sources: Counter = field(default_factory=Counter)  # (person, week, what carried the DM)


def count(
    posts: list[Post],
    sent: list[Sent],
    *,
    people: dict[str, str],
    days: WorkingDays,
    late_at_creation: set[int],
) -> Figures:
    """``people``: user id → timezone of everyone counted. A mention is a message in a channel (a post or an
    in-channel answer) naming the person, counted once per message; mentions inside someone's DM ping nobody."""
    figures = Figures()
    sources = _sources(posts, sent)
    for post, source in zip(posts, sources, strict=True):
        if post.dm_to in people:
            week = _week(post.at, people[post.dm_to])
            figures.dms[post.dm_to, week] += 1
            figures.dm_sources[post.dm_to, week, source] += 1
        if post.dm_to is not None:
            continue
        for user in post.mentioned() & people.keys():
            figures.mentions[user, _week(post.at, people[user])] += 1
            figures.mention_sources[source] += 1
    # A blocked item gets no overdue notice: its PM's notice of the blocker comes before its escalation instead.
    notice_days: dict[int, set[int]] = defaultdict(set)
    for row in sent:
        figures.kinds[row.kind, _where(row)] += 1
        if ("overdue" in row.kind or "blocked" in row.kind) and row.deliverable_id is not None:
            notice_days[row.deliverable_id].add(days.index(row.sent_at))
    for row in sent:
        if "escalat" not in row.kind or row.channel not in people:
            continue
        week = row.channel, _week(row.sent_at, people[row.channel])
        figures.digests[week] += 1
        day = days.index(row.sent_at)
        for item in row.items or ([row.deliverable_id] if row.deliverable_id is not None else []):
            figures.escalations[week] += 1
            notices = notice_days[item]
            if day in notices or not any(n < day for n in notices):  # with its overdue notice, or before any
                figures.premature[week] += 1
            if item in late_at_creation:
                figures.late_at_creation[week] += 1
    return figures


def _where(row: Sent) -> str:
    if row.carried:
        return "line in a DM"
    return "DM" if row.channel[:1] in "UW" else "channel"


def _sources(posts: list[Post], sent: list[Sent]) -> list[str]:
    """Each post's outbox kind, matched by conversation and text; answers and the rest by what they are."""
    waiting: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in sorted(sent, key=lambda r: r.sent_at):
        waiting[row.channel, row.text].append(row.kind)
    found = []
    for post in posts:
        kinds = waiting.get((post.channel, post.text))
        found.append(ANSWER if post.answer else kinds.pop(0) if kinds else OTHER)
    return found


def _week(moment: datetime, timezone: str) -> str:
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(start: date, end: date) -> list[str]:
    weeks, day = [], start
    while day < end:
        label = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
        if label not in weeks:
            weeks.append(label)
        day += timedelta(days=1)
    return weeks


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def report(run, *, command: str, people, database: str) -> str:
    """The simulation's figures as Markdown: headline, per person and week, totals, and what sent them.
    ``run`` is a finished :class:`bench.simulate.Run`; ``people`` its members (user_id, name, tz)."""
    f = run.figures
    weeks = weeks_between(run.start, run.end)
    columns = ("dms", "mentions", "digests", "escalations", "premature", "late_at_creation")
    per_week = {(p.user_id, w): [getattr(f, c)[p.user_id, w] for c in columns] for p in people for w in weeks}
    totals = {p.user_id: [sum(getattr(f, c)[k] for k in getattr(f, c) if k[0] == p.user_id) for c in columns]
              for p in people}  # fmt: skip
    most = {c: max((row[i] for row in per_week.values()), default=0) for i, c in enumerate(columns)}
    overall = [sum(t[i] for t in totals.values()) for i in range(len(columns))]
    a = run.actions
    lines = [
        "## A label's weeks, simulated",
        "",
        f"Command: `{command}` ({database}; {run.start} to {run.end - timedelta(days=1)}, "
        f"{run.seconds:.0f} s). {a['ticks']} ticks (every 30 minutes), {a['commands']} commands, "
        f"{a['reactions']} ✅ reactions, {a['button presses']} button presses.",
        "",
        "Releases: "
        + "; ".join(
            f"*{r['title']}* ({r['playbook']}, release {r['release_day']:%a %d %b %Y}, created {r['created']:%d %b}, "
            f"{r['late']} of {r['items']} items already past due)"
            for r in run.releases
        )
        + ".",
        "",
        f"- Most in one person's week: **{most['dms']} DMs**, **{most['mentions']} @-mentions**, "
        f"**{most['digests']} escalation digests** carrying **{most['escalations']} escalated items**.",
        f"- Escalated items: **{overall[3]}** in {overall[2]} digests; before or with the item's overdue notice "
        f"(goal 0): **{overall[4]}**; of items already late when their release was created (goal 0): **{overall[5]}**.",
        f"- DMs in all: {overall[0]}; @-mentions in all: {overall[1]}.",
        "",
        "DMs: messages in the person's DM with the bot. @-mentions: channel messages (posts and in-channel "
        "answers) naming the person, once per message. Digests: outbox rows of an escalation kind sent to the "
        "person; escalated items: the deliverables each carried, counted in every digest that listed them; "
        '"before or with" means on the same working day as an overdue notice of that item (or, for a blocked '
        "item, its PM's notice of the blocker), or before any. Weeks are ISO weeks in the person's timezone.",
        "",
        "| person | week | DMs | @-mentions | digests | escalated items | before/with overdue | late at creation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in people:
        for w in weeks:
            lines.append(f"| {p.name} ({p.tz.split('/')[1].replace('_', ' ')}) | {w} | "
                         + " | ".join(str(n) for n in per_week[p.user_id, w]) + " |")  # fmt: skip
    for p in people:
        lines.append(f"| **{p.name}** | **all** | " + " | ".join(f"**{n}**" for n in totals[p.user_id]) + " |")
    busiest = max(per_week, key=lambda key: per_week[key][0], default=None)
    if busiest is not None:
        name = next(p.name for p in people if p.user_id == busiest[0])
        carried = Counter({k[2]: n for k, n in f.dm_sources.items() if k[:2] == busiest})
        lines += ["", f"The busiest week's DMs ({name}, {busiest[1]}) by what carried them: "
                  + ", ".join(f"{k} {n}" for k, n in carried.most_common()) + "."]  # fmt: skip
    lines += ["", "Mentions by what carried them: " + ", ".join(f"{k} {n}" for k, n in f.mention_sources.most_common())
              + ".", "", "Sent from the outbox, by kind: " + ", ".join(
                  f"{kind} ({where}) {n}" for (kind, where), n in sorted(f.kinds.items())) + "."]  # fmt: skip
    return "\n".join(lines) + "\n"
