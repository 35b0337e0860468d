"""The escalation digest as a pure builder: grouped by release, its items named in their block ids, and within
Slack's limits however much is late."""

from datetime import UTC, date, datetime

from messages import builders
from messages.facts import EscalatedItem, EscalatedRelease, Tried
from messages.ids import EscalatedBlock
from messages.render import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from storage.models import Blocker, Deliverable, Release


def _release(n: int) -> Release:
    return Release(id=n, team_id="T", title=f"Record {n}", artist="Nova Lane", release_date=date(2027, 3, n),
                   playbook="single", created_by="UPM", channel_id=f"C{n}", pm_id="UPM")  # fmt: skip


def _item(n: int, blocker: Blocker | None = None, since: date | None = None) -> EscalatedItem:
    d = Deliverable(id=n, team_id="T", release_id=1, key=f"item-{n}", name=f"Item {n}", due_date=date(2027, 2, 1),
                    owner_id="UDEE" if n % 2 else None, hard=n == 1)  # fmt: skip
    return EscalatedItem(d, 3, blocker, (Tried("overdue", date(2027, 2, 2)),), since)


def test_items_are_grouped_by_release_and_named_in_their_block_ids():
    blocker = Blocker(team_id="T", deliverable_id=1, reason="waiting <on> the photographer", raised_by="UDEE",
                      raised_at=datetime(2027, 2, 1, 10, tzinfo=UTC))  # fmt: skip
    groups = [
        EscalatedRelease(_release(5), 20, (_item(1, blocker), _item(2, since=date(2027, 2, 3)))),
        EscalatedRelease(_release(12), 25, (_item(3),)),
    ]
    message = builders.escalation_digest(groups, lang="en")
    assert message.text == ":rotating_light: Escalations: 3 late deliverables in 2 releases"
    items = [b for b in message.blocks if b.get("block_id", "").startswith(EscalatedBlock.PREFIX)]
    assert EscalatedBlock.found_in(message.blocks) == [(n, date(2027, 2, 1)) for n in (1, 2, 3)]
    first, second, third = (b["text"]["text"] for b in items)
    assert "*Item 1* `item-1` · *3 working days late* · :lock: hard" in first and "owner <@UDEE>" in first
    assert "Blocked: “waiting &lt;on&gt; the photographer”" in first and "new today" in first
    assert "_nobody owns it_" in second and "In the digest since Wed 3 Feb 2027" in second
    assert "Tried: overdue notice in the channel on Tue 2 Feb 2027" in third
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert texts.index(first) < texts.index(next(t for t in texts if "*Record 12*" in t)) < texts.index(third)


def test_a_long_digest_stays_within_slacks_limits_and_counts_what_it_left_out():
    long_reason = Blocker(team_id="T", deliverable_id=1, reason="x" * 1000, raised_by="UDEE",
                          raised_at=datetime(2027, 2, 1, 10, tzinfo=UTC))  # fmt: skip
    groups = [EscalatedRelease(_release(r), 20, tuple(_item(r * 100 + n, long_reason) for n in range(20)))
              for r in range(1, 4)]  # fmt: skip
    message = builders.escalation_digest(groups, lang="de")
    assert len(message.blocks) <= MAX_MESSAGE_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in message.blocks if b["type"] == "section")
    shown = len(EscalatedBlock.found_in(message.blocks))
    assert 40 <= shown < 60
    assert message.blocks[-2]["elements"][0]["text"] == f"…und {60 - shown} weitere"
