"""The ladder DM's Block Kit: an Assign picker per unowned item, within Slack's 50 blocks, the rest counted."""

from __future__ import annotations

from datetime import date

from messages import builders
from messages.facts import LadderLine
from messages.ids import ActionId, AssignBlock
from messages.render import MAX_MESSAGE_BLOCKS
from storage.models import Release


def _release(n: int) -> Release:
    return Release(id=n, title=f"Record {n}", artist="Nova Lane", release_date=date(2028, 3, n), channel_id=f"C{n}")


def test_a_picker_under_each_unowned_item_and_every_release_named_once():
    groups = [
        (_release(1), [LadderLine("late one"), LadderLine("nobody owns seven", assign=7)]),
        (_release(2), [LadderLine("nobody owns nine", assign=9)]),
    ]
    message = builders.ladder_dm(groups, lang="de")
    pickers = [b for b in message.blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in pickers] == [AssignBlock.encode(7), AssignBlock.encode(9)]
    assert all(b["elements"][0]["action_id"] == ActionId.ASSIGN for b in pickers)
    assert "Zuweisen an…" in str(pickers[0])
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert sum("*Record 1*" in t for t in texts) == 1 and sum("*Record 2*" in t for t in texts) == 1
    assert message.text.splitlines()[1:] == ["late one", "nobody owns seven", "nobody owns nine"]


def test_past_slacks_block_limit_the_rest_is_counted():
    lines = [LadderLine(f"nobody owns {n}", assign=n) for n in range(40)]
    message = builders.ladder_dm([(_release(1), lines)], lang="en")
    assert len(message.blocks) <= MAX_MESSAGE_BLOCKS
    shown = sum(b["type"] == "actions" for b in message.blocks)
    assert 20 <= shown < 40
    assert f"{40 - shown} more" in message.blocks[-1]["elements"][0]["text"]
    assert "(40)" in message.blocks[0]["text"]["text"]
