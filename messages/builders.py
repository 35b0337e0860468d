"""Pure builders: plain values in, a :class:`Message` out. No database, no Slack client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from messages import approvals, workload
from messages.facts import (
    CatchUpOffer,
    Covering,
    DigestItem,
    EscalatedRelease,
    LadderLine,
    LoadTable,
    PortfolioLine,
    Roster,
    Snapshot,
    Standing,
)
from messages.formats import progress_bar
from messages.ids import ActionId, AssignBlock, EscalatedBlock, SnoozeUntil, SnoozeValue
from messages.render import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    Message,
    actions,
    button,
    context,
    divider,
    escape_mrkdwn,
    header,
    line_list,
    pack_lines,
    pack_runs,
    people_picker,
    section,
    user_mention,
    words,
)
from storage.models import Blocker, Deliverable, Release

# Section lists in status and mine stop here and say "…and N more".
MAX_LINES_PER_SECTION = 15


def text_message(text: str) -> Message:
    """A one-section message whose text the caller has already rendered (and escaped)."""
    return Message(text=text, blocks=[section(text)])


def unclaimed_ask(text: str, deliverable_id: int, *, lang: str = "en") -> Message:
    """ "Nobody owns it" with a people picker: choosing someone assigns it, from a channel or a DM alike."""
    picker = people_picker(str(words("reminders", lang).assign_placeholder()), ActionId.ASSIGN)
    return Message(
        text=text, blocks=[section(text), {**actions([picker]), "block_id": AssignBlock.encode(deliverable_id)}]
    )


def combined(messages: Sequence[Message]) -> Message:
    """Several messages for one person as one: their blocks in order, divided; their texts joined."""
    if len(messages) == 1:
        return messages[0]
    blocks = [block for m in messages for block in (divider(), *m.blocks)][1:]
    return Message(text="\n\n".join(m.text for m in messages), blocks=blocks)


def reply(kind: str, macro: str, *args, lang: str = "en") -> Message:
    """A one-section message from a template macro, e.g. ``reply("replies", "claimed", d)``."""
    return text_message(str(getattr(words(kind, lang), macro)(*args)))


def with_catch_up(
    kind: str, macro: str, args: tuple, offer: CatchUpOffer | None, warnings=None, *, lang: str = "en"
) -> Message:
    """An answer (as :func:`reply` words it), the clash and load ``warnings`` (bot.release.foresight.clashes) when there
    are any, and, when work is late, the catch-up plan under it: its first lines, then "…and N more", and the
    button that accepts it."""
    answer = reply(kind, macro, *args, lang=lang)
    if warnings:
        answer = _warned(answer, str(words("clashes", lang).warnings(warnings)).strip())
    if offer is None:
        return answer
    w = words("catch_up", lang)
    lines = [str(w.line(line)) for line in offer.lines]
    late_for_release = sum(line.after_release for line in offer.lines)
    title = str(w.title(len(lines), late_for_release))
    blocks = [
        section(_listing(title, lines, words("status", lang))),
        actions([button(str(w.accept_button()), ActionId.ACCEPT_CATCH_UP, offer.value)]),
        context(str(w.adjust(offer.lines[0].deliverable.key))),
    ]
    return Message(text=answer.text, blocks=[*answer.blocks, *blocks])


def with_overload(macro: str, args: tuple, overload, *, lang: str = "en") -> Message:
    """A hand-over answer and, under it, that the new owner's week is now over the label's limit."""
    return _warned(reply("replies", macro, *args, lang=lang), str(words("clashes", lang).handed(overload)))


def with_away(answer, away: Covering, *, lang: str = "en") -> Message:
    """A hand-over answer (a :class:`bot.release.outcome.Reply`) and, under it, that the new owner is away."""
    return _warned(answer.worded(lang), str(words("away", lang).assign_warning(away)))


def _warned(answer: Message, warning: str) -> Message:
    return Message(text=f"{answer.text}\n\n{warning}", blocks=[*answer.blocks, section(warning)])


def error(message: str, usage: str | None = None, *, lang: str = "en") -> Message:
    return reply("replies", "error", message, usage or "", lang=lang)


def checklist_item(
    deliverable: Deliverable,
    *,
    blocker: Blocker | None,
    waiting_on: Sequence[str],
    today: date,
    lang: str = "en",
    sign_off: Sequence[tuple[str, str]] | None = None,
) -> Message:
    """``sign_off``: for a sign-off, each approver and where they stand (its Approve row goes under it)."""
    w = words("checklist", lang)
    days_left = (deliverable.due_date - today).days
    blocks = [section(str(w.item(deliverable, blocker, list(waiting_on), days_left)))]
    if deliverable.state == "open":
        buttons = [] if deliverable.owner_id else [button(str(w.claim_button()), ActionId.CLAIM, str(deliverable.id))]
        buttons.append(button(str(w.done_button()), ActionId.DONE, str(deliverable.id)))
        if blocker is None:
            buttons.append(button(str(w.block_button()), ActionId.BLOCK, str(deliverable.id)))
        snooze = str(words("reminders", lang).snooze_button())
        buttons.append(button(snooze, ActionId.SNOOZE, SnoozeValue(deliverable.id).encode()))
        blocks.append(actions(buttons))
    if sign_off is not None:
        blocks.extend(approvals.checklist_rows(deliverable, sign_off, lang=lang))
    quiet_until = deliverable.snoozed_until if (deliverable.snoozed_until or today) > today else None
    hint = str(w.hint(deliverable, quiet_until)).strip()
    if hint:
        blocks.append(context(hint))
    return Message(text=str(w.fallback(deliverable)), blocks=blocks)


def overview(release: Release, *, playbook: str, total: int, lang: str = "en") -> Message:
    w = words("overview", lang)
    title = str(w.title(release))
    return Message(
        text=str(w.fallback(escape_mrkdwn(title))),
        blocks=[header(title), section(str(w.facts(release, playbook, total))), context(str(w.how()))],
    )


def channel_topic(release: Release, lang: str = "en") -> str:
    return str(words("overview", lang).topic(release))[:250]


def status(snap: Snapshot, *, lang: str = "en") -> Message:
    """The release channel's ``/release status``: headline, then each non-empty list."""
    w = words("status", lang)
    title = str(words("overview", lang).title(snap.release))
    blocks = [header(title), section(str(w.headline(snap, progress_bar(snap.percent))))]
    today = snap.today
    sections = [
        ("overdue", [str(w.overdue_line(d, snap.late_by[d.id])) for d in snap.overdue]),
        ("blocked", [str(w.blocked_line(b, _age_days(b.blocker, today))) for b in snap.blocked]),
        ("due_soon", [str(w.due_line(d)) for d in snap.due_soon]),
        ("unclaimed", [str(w.due_line(d)) for d in snap.unclaimed_soon]),
        ("upstream", [str(w.upstream_line(d, snap.waiting_on[d.id])) for d in snap.at_risk_upstream]),
        ("recent", [str(w.done_line(d)) for d in snap.recently_done]),
    ]
    shown = [(name, lines) for name, lines in sections if lines]
    blocks.extend(section(text) for text in _critical(snap, w))
    if not any(name in {"overdue", "blocked", "due_soon"} for name, _ in shown):
        blocks.append(section(str(w.nothing_pressing())))
    for name, lines in shown:
        blocks.append(section(_listing(str(w.section_title(name, len(lines))), lines, w)))
    return Message(text=str(w.summary(escape_mrkdwn(title), snap)), blocks=blocks)


def _critical(snap: Snapshot, w) -> list[str]:
    """Each chain from late work to a hard deadline it makes impossible, under one title, then the Friday on
    which the release would be on plan again: the section texts status and standup show first."""
    texts = []
    if snap.chains:
        lines = [str(w.chain_line(chain)) for chain in snap.chains]
        texts.append(_listing(str(w.section_title("critical", len(lines))), lines, w))
    if snap.replan_friday is not None:
        texts.append(str(w.replan_line(snap.replan_friday)))
    return texts


def portfolio(shown: Sequence[PortfolioLine], *, total: int, lang: str = "en") -> Message:
    """One line per active release, soonest first; the ``total - len(shown)`` later ones as "…and N more"."""
    w = words("status", lang)
    if not shown:
        return text_message(str(w.no_releases()))
    lines = [str(w.portfolio_line(s, progress_bar(s.percent))) for s in shown]
    if total > len(shown):
        lines.append(str(w.more(total - len(shown))))
    title = str(w.portfolio_title(total))
    body = _chunks(lines, w, room=MAX_MESSAGE_BLOCKS - 1)
    return Message(text=f"{title}\n" + "\n".join(lines[:20]), blocks=[header(title), *body])


def mine(
    items: Sequence[tuple[Deliverable, Release]], *, late_by: Mapping[int, int], lang: str = "en",
    away: Covering | None = None, today: date | None = None,
) -> Message:  # fmt: skip
    """A person's open deliverables across releases; ``late_by`` holds the working days each late one is late.
    ``away``: their current or next absence, shown on top (as of their ``today``)."""
    w = words("status", lang)
    note = [str(words("away", lang).mine_note(away, today))] if away is not None else []
    if not items:
        return text_message("\n\n".join([*note, str(w.mine_empty())]))
    lines = [str(w.mine_line(d, r, late_by.get(d.id, 0))) for d, r in items]
    title = str(w.mine_title(len(items)))
    room = MAX_MESSAGE_BLOCKS - 1 - len(note)
    return Message(text=title, blocks=[header(title), *map(section, note), *_chunks(lines, w, room=room)])


def help_message(usages: Sequence, *, topic: str | None = None, lang: str = "en") -> Message:
    """Every subcommand with an example (or just the one asked about)."""
    w = words("help", lang)
    chosen = [u for u in usages if topic is None or u.name == topic] or list(usages)
    lines = [str(w.entry(u)) for u in chosen]
    title = str(w.title())
    blocks = [header(title)]
    for group in _group(lines, size=6):
        blocks.append(section("\n\n".join(group)))
    blocks.append(divider())
    blocks.append(context(str(w.footer())))
    return Message(text=title + "\n" + "\n".join(f"/release {escape_mrkdwn(u.syntax)}" for u in chosen), blocks=blocks)


def _listing(title: str, lines: list[str], w) -> str:
    """A title and its first lines, as many as fit one section (and no more than a reader scans), then how
    many were left out."""
    return line_list([title, *lines], more=str(w.more("{n}")), most=MAX_LINES_PER_SECTION + 1)


def _chunks(lines: list[str], w, *, room: int) -> list[dict]:
    """Lines packed into as few sections as fit, at most ``room`` blocks, the last saying what was left out."""
    texts = pack_lines(lines)
    if len(texts) > room:
        kept = texts[: room - 1]
        left = len(lines) - sum(text.count("\n") + 1 for text in kept)
        texts = [*kept, str(w.more(left))]
    return [section(text) for text in texts]


def _group(items: list[str], *, size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _age_days(blocker: Blocker, today: date) -> int:
    return max(0, (today - blocker.raised_at.date()).days)


@dataclass(frozen=True)
class HomeContent:
    """What the App Home shows one person, loaded by ``bot.release.home``."""

    mine: Sequence[tuple[Deliverable, Release]]
    grabs: Sequence[tuple[Deliverable, Release]]
    running: Sequence[PortfolioLine]
    running_total: int
    portfolio: Sequence[PortfolioLine]
    portfolio_total: int
    today: date
    # Working days each of ``mine`` that is late is late by.
    late_by: Mapping[int, int]
    notice: str | None = None
    # A PM's team load, shown under her releases.
    load: LoadTable | None = None
    # Their current or next absence, shown on top.
    away: Covering | None = None


# Blocks kept back from the deliverables for the header, notice, up-for-grabs, team load and release sections.
HOME_RESERVED_BLOCKS = 35
HOME_GRABS = 5


def home(content: HomeContent, *, lang: str = "en") -> dict:
    """The App Home: my deliverables (overdue / this week / later) with buttons, up for grabs, releases.

    Slack allows 100 blocks in a view: deliverables take two each (line and buttons) up to what
    the other sections leave, then "…and N more".
    """
    w = words("home", lang)
    st = words("status", lang)
    blocks = [header(str(w.title())), section(str(w.intro()))]
    blocks[-1]["accessory"] = button(str(w.new_release_button()), ActionId.NEW_RELEASE, "home")
    if content.notice:
        blocks.append(context(content.notice))
    if content.away is not None:
        blocks.append(section(str(words("away", lang).mine_note(content.away, content.today))))
    blocks += [divider(), header(str(w.mine_title(len(content.mine))))]
    if not content.mine:
        blocks.append(section(str(w.mine_empty())))
    room = (MAX_VIEW_BLOCKS - HOME_RESERVED_BLOCKS) // 2
    shown = 0
    for name, group in _by_urgency(content.mine, content.today):
        if not group or shown >= room:
            continue
        blocks.append(section(str(w.group_title(name, len(group)))))
        for d, r in group[: room - shown]:
            blocks.append(section(str(w.item(d, r, content.today, content.late_by.get(d.id, 0)))))
            blocks.append(actions(_home_buttons(d, lang)))
            shown += 1
    if shown < len(content.mine):
        blocks.append(context(str(w.more_mine(len(content.mine) - shown))))
    if content.grabs:
        blocks.append(section(str(w.grabs_title())))
        for d, r in content.grabs[:HOME_GRABS]:
            line = section(str(w.grab(d, r)))
            line["accessory"] = button(str(words("checklist", lang).claim_button()), ActionId.CLAIM, str(d.id))
            blocks.append(line)
    if content.running:
        blocks += [divider(), header(str(w.running_title(content.running_total)))]
        blocks += _release_lines(content.running, content.running_total, w, st)
    if content.load is not None:
        blocks += workload.home_blocks(content.load, lang=lang)
    blocks += [divider(), header(str(st.portfolio_title(content.portfolio_total)))]
    if content.portfolio:
        blocks += _release_lines(content.portfolio, content.portfolio_total, w, st)
    else:
        blocks.append(section(str(st.no_releases())))
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def _by_urgency(items: Sequence[tuple[Deliverable, Release]], today: date) -> list[tuple[str, list]]:
    week_end = today + timedelta(days=6 - today.weekday())
    return [
        ("overdue", [(d, r) for d, r in items if d.due_date < today]),
        ("week", [(d, r) for d, r in items if today <= d.due_date <= week_end]),
        ("later", [(d, r) for d, r in items if d.due_date > week_end]),
    ]


def _home_buttons(d: Deliverable, lang: str) -> list[dict]:
    w = words("checklist", lang)
    return [
        button(str(w.done_button()), ActionId.DONE, str(d.id)),
        button(str(w.block_button()), ActionId.BLOCK, str(d.id)),
        button(str(words("reminders", lang).snooze_button()), ActionId.SNOOZE, SnoozeValue(d.id).encode()),
    ]


def _release_lines(lines: Sequence[PortfolioLine], total: int, w, st) -> list[dict]:
    """At most three sections of release lines, then "…and N more"."""
    texts = [str(st.portfolio_line(s, progress_bar(s.percent))) for s in lines]
    packed = pack_lines(texts)[:3]
    shown = sum(text.count("\n") + 1 for text in packed)
    blocks = [section(text) for text in packed]
    if total > shown:
        blocks.append(context(str(w.more_releases(total - shown))))
    return blocks


def standup(
    snap: Snapshot,
    *,
    day: date,
    done_since: Sequence[tuple[Deliverable, str]],
    roster: Roster,
    lang: str = "en",
) -> Message | None:
    """The morning digest for a release channel; ``None`` means a quiet day (one short line instead).

    Each open item shows once, under its owner, who is mentioned once at the head of their group (named
    instead when they turned standup mentions off); nobody else is mentioned, so one standup is one ping.
    """
    w = words("standup", lang)
    st = words("status", lang)
    agenda = _agenda(snap, day)
    owners = list(dict.fromkeys(i.deliverable.owner_id for i in agenda if i.deliverable.owner_id))
    people = _Labels(roster, w)
    sections: list[str] = []
    if done_since:
        done = [str(w.done_line(d, people.label(by))) for d, by in done_since]
        sections.append(_listing(str(w.done_title(len(done))), done, st))
    for owner in owners:
        lines = [_agenda_line(w, i, snap, people) for i in agenda if i.deliverable.owner_id == owner]
        sections.append(_listing(_owner_title(owner, len(lines), roster, people, w, lang), lines, st))
    unowned = [_agenda_line(w, i, snap, people) for i in agenda if not i.deliverable.owner_id]
    if unowned:
        sections.append(_listing(str(w.unowned_title(len(unowned))), unowned, st))
    sections[:0] = _critical(snap, st)
    if not sections:
        return None
    title = f"{words('overview', lang).title(snap.release)} · {w.title(snap.release, day)}"
    blocks = [header(title), section(str(st.headline(snap, progress_bar(snap.percent))))]
    room = MAX_MESSAGE_BLOCKS - len(blocks)
    if len(sections) > room:
        sections = [*sections[: room - 1], str(st.more(len(sections) - room + 1))]
    blocks.extend(section(text) for text in sections)
    return Message(text=str(st.short_summary(escape_mrkdwn(title), snap)), blocks=blocks)


# The one place an open item shows in a standup: the first of these that applies to it.
AGENDA_STATES = ("blocked", "overdue", "today", "week", "upstream", "unclaimed")


@dataclass(frozen=True)
class _AgendaItem:
    deliverable: Deliverable
    state: str
    blocker: Blocker | None = None


def _agenda(snap: Snapshot, day: date) -> list[_AgendaItem]:
    """Each open item the standup shows, under the one state it shows under, most pressing first."""
    week_end = day + timedelta(days=6 - day.weekday())
    blockers = {b.deliverable.id: b.blocker for b in snap.blocked}
    candidates = {
        "blocked": [b.deliverable for b in snap.blocked],
        "overdue": snap.overdue,
        "today": [d for d in snap.due_soon if d.due_date == day],
        "week": [d for d in snap.due_soon if day < d.due_date <= week_end],
        "upstream": snap.at_risk_upstream,
        "unclaimed": snap.unclaimed_soon,
    }
    placed: dict[int, _AgendaItem] = {}
    for state in AGENDA_STATES:
        for d in candidates[state]:
            placed.setdefault(d.id, _AgendaItem(d, state, blockers.get(d.id)))
    return list(placed.values())


def _agenda_line(w, item: _AgendaItem, snap: Snapshot, people: _Labels) -> str:
    b, d, day = item.blocker, item.deliverable, snap.today
    raised_by = people.label(b.raised_by) if b is not None else ""
    age = _age_days(b, day) if b is not None else 0
    late_by, upstream = snap.late_by.get(d.id, 0), snap.waiting_on.get(d.id, [])
    return str(w.agenda_line(d, item.state, day, b, raised_by, age, late_by, upstream))


def _owner_title(owner: str, count: int, roster: Roster, people: _Labels, w, lang: str) -> str:
    """The head of an owner's group: a mention, their name if they turned mentions off, and if they are away
    their name with how long (an away person is never pinged)."""
    if (away := roster.away.get(owner)) is not None:
        return str(words("away", lang).standup_title(away, count))
    heading = people.label(owner) if owner in roster.unpinged else user_mention(owner)
    return str(w.person_title(heading, count))


class _Labels:
    """How a standup names people besides the heads of their groups: by name, never pinging them again."""

    def __init__(self, roster: Roster, w) -> None:
        self._roster = roster
        self._w = w

    def label(self, user_id: str) -> str:
        if name := self._roster.names.get(user_id):
            return escape_mrkdwn(name)
        return str(self._w.someone()) if user_id in self._roster.unpinged else user_mention(user_id)


def quiet_standup(snap: Snapshot, *, day: date, lang: str = "en") -> Message:
    return text_message(str(words("standup", lang).quiet(snap, day)))


def digest(items: Sequence[DigestItem], *, lang: str = "en", covering: Covering | None = None) -> Message:
    """The owner's morning DM: late, due today, coming up (the ladder's heads-up), later; each item with its
    release and Done / Snooze buttons. It carries the heads-up and due-today, which have no DM of their own.
    With ``covering``, it goes to whoever covers for the owner while they are away, and says so on top."""
    w = words("reminders", lang)
    done = str(words("checklist", lang).done_button())
    title = str(w.digest_title(len(items)))
    blocks = [header(title)]
    if covering is not None:
        note = str(words("away", lang).covering_note(covering))
        title = f"{note}\n{title}"
        blocks.append(section(note))
    room = MAX_MESSAGE_BLOCKS - 1  # one kept for "…and N more"
    shown = 0
    for standing in Standing:
        group = [i for i in items if i.standing == standing]
        if not group or len(blocks) + 3 > room:
            continue
        blocks.append(section(str(w.digest_group(standing, len(group)))))
        for i in group:
            if len(blocks) + 2 > room:
                break
            d = i.deliverable
            blocks.append(section(str(w.digest_line(i))))
            blocks.append(
                actions(
                    [
                        button(done, ActionId.DONE, str(d.id)),
                        button(str(w.snooze_button()), ActionId.SNOOZE, SnoozeValue(d.id).encode()),
                        button(
                            str(w.snooze_week_button()),
                            ActionId.SNOOZE_WEEK,
                            SnoozeValue(d.id, SnoozeUntil.NEXT_WEEK).encode(),
                        ),
                    ]
                )
            )
            shown += 1
    if len(items) > shown:
        blocks.append(context(str(words("status", lang).more(len(items) - shown))))
    return Message(text=title, blocks=blocks)


def escalation_digest(releases: Sequence[EscalatedRelease], *, lang: str = "en") -> Message:
    """A label head's daily digest: each late deliverable in its own section under its release (the block names
    it, see :class:`EscalatedBlock`); what Slack's 50 blocks cannot hold is counted as "…and N more"."""
    w = words("reminders", lang)
    total = sum(len(group.items) for group in releases)
    title = str(w.escalation_digest_title(total, len(releases)))
    blocks = [header(title)]
    room = MAX_MESSAGE_BLOCKS - 2  # the footer, and the "…and N more" line
    shown = 0
    for group in releases:
        if len(blocks) + 2 > room:  # a release's line with none of its items says nothing
            break
        blocks.append(section(str(w.escalation_release(group.release, group.workdays_to_release))))
        for item in group.items[: room - len(blocks)]:
            blocks.append(
                {
                    **section(str(w.escalation_item(item))),
                    "block_id": EscalatedBlock.encode(item.deliverable.id, item.deliverable.due_date),
                }
            )
            shown += 1
    if shown < total:
        blocks.append(context(str(words("status", lang).more(total - shown))))
    blocks.append(context(str(w.escalation_footer())))
    return Message(text=title, blocks=blocks)


def ladder_dm(groups: Sequence[tuple[Release, Sequence[LadderLine]]], *, lang: str = "en") -> Message:
    """A person's one ladder DM of the day: each release's lines under its name, as few sections as they fit,
    an Assign picker under each unowned item; what would pass Slack's 50 blocks is left as "…and N more"."""
    w = words("reminders", lang)
    picker = people_picker(str(w.assign_placeholder()), ActionId.ASSIGN)
    total = sum(len(lines) for _, lines in groups)
    title = str(w.ladder_dm_title(total))
    units: list[tuple[list[str], list[dict]]] = []  # the lines each run of blocks shows, and the blocks

    def packed(texts: list[str], heading: str | None) -> None:
        for n, run in enumerate(pack_runs(texts)):
            units.append((run, ([section(heading)] if heading and n == 0 else []) + [section("\n".join(run))]))

    for release, lines in groups:
        heading, waiting = str(w.ladder_dm_release(release)), []
        for line in lines:
            waiting.append(line.text)
            if line.assign is not None:  # its picker goes right under it
                packed(waiting, heading)
                heading, waiting = None, []
                units[-1][1].append({**actions([picker]), "block_id": AssignBlock.encode(line.assign)})
        packed(waiting, heading)
    blocks, shown = [header(title)], []
    room = MAX_MESSAGE_BLOCKS - 1  # one kept for "…and N more"
    for texts, unit in units:
        if len(blocks) + len(unit) > room:
            break
        blocks.extend(unit)
        shown.extend(texts)
    if total > len(shown):
        blocks.append(context(str(words("status", lang).more(total - len(shown)))))
    return Message(text="\n".join([title, *shown]), blocks=blocks)
