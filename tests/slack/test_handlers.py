"""Handler behaviour through HTTP: signatures, bad input, permissions, reactions, Slack's rules."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from storage.db import session_scope
from storage.models import Activity, Deliverable, Release
from tests.support import slackreq
from tests.support.harness import SIGNING_SECRET
from tests.support.people import ADMIN, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, checklist, message_text, open_release, waited_as_asked

PAYLOADS = Path(__file__).parents[1] / "payloads"


def changes(bot) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Activity)).one()


# -- Slack's request rules ------------------------------------------------------------------------
def test_bad_signature_stale_timestamp_and_missing_headers_get_401_and_change_nothing(bot, standin):
    body = slackreq.slash_command_body(
        'new "X" on 2027-03-12',
        user_id=PM,
        channel_id="C1",
        channel_name="general",
        team_id="T0RELEASE",
        response_url=standin.response_url("r"),
        trigger_id="t",
    )
    form = "application/x-www-form-urlencoded"
    forged = slackreq.sign(body, "not-the-secret")
    stale = slackreq.sign(body, SIGNING_SECRET, timestamp=int(time.time()) - 301)
    for headers, sign in ((forged, False), (stale, False), ({}, False)):
        status, _, _ = bot.post(body, content_type=form, headers=headers, sign=sign)
        assert status == 401
    assert changes(bot) == 0
    with session_scope(bot.engine) as session:
        assert session.exec(select(Release)).all() == []


def test_healthz(bot):
    import urllib.request

    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and json.loads(response.read()) == {"ok": True, "inbox": 0}


def test_waitress_queue_warnings_come_once_a_minute_with_a_count(bot, caplog, monkeypatch):
    """A burst makes waitress warn on every request; the served app lets one a minute through."""
    from waitress.utilities import queue_logger

    from bot.runtime.server import OnceEvery

    (installed,) = [f for f in queue_logger.filters if isinstance(f, OnceEvery)]
    moments = iter([100.0] * 50 + [161.0])
    monkeypatch.setattr(installed, "_clock", lambda: next(moments))
    monkeypatch.setattr(installed, "_next", 0.0)
    monkeypatch.setattr(installed, "_held", 0)
    with caplog.at_level("WARNING", logger="waitress.queue"):
        for depth in range(1, 52):
            queue_logger.warning("Task queue depth is %d", depth)
    assert [r.getMessage() for r in caplog.records if r.name == "waitress.queue"] == [
        "Task queue depth is 1",
        "Task queue depth is 51 (49 more since the last such message)",
    ]


# -- bad input: an ephemeral answer that says what was wrong and how to write it, nothing changed ----
@pytest.mark.parametrize(
    "text, expected",
    [
        ("launch", "I don't know the subcommand “launch”"),
        ("stauts", "Did you mean `status`?"),
        ('new "Midnight Drive" on 2027-02-30', "There is no 30 February 2027."),
        ('new "Midnight Drive" on 2026-01-09', "is in the past"),
        ('new "Midnight Drive"', "Say when it comes out"),
        ('new "Midnight Drive" on 2027-03-12 playbook boxset', "There is no playbook called “boxset”"),
        ("new " + "x" * 200 + " on 2027-03-12", "keep it under 150"),
        ("claim artwork", "Run this in a release channel"),
        ("x" * 3001, "keep a command under 3000"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(bot, text, expected):
    reply = bot.command(text, user=PM)
    assert reply.status == 200 and not reply.public
    assert expected in reply.text
    assert changes(bot) == 0


def test_release_channel_errors_name_the_deliverable(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    before = changes(bot)
    unknown = bot.command("claim artwrk", user=DESIGNER, **room)
    assert "No deliverable called “artwrk”" in unknown.text and "Did you mean `artwork`" in unknown.text
    ambiguous = bot.command("claim a", user=DESIGNER, **room)
    assert "matches" in ambiguous.text and "`artwork`" in ambiguous.text
    missing = bot.command("block artwork", user=DESIGNER, **room)
    assert (
        "Say what is blocking it" in missing.text
        and "Usage: `block &lt;deliverable&gt; &lt;reason&gt;`" in missing.text
    )  # escaped, as mrkdwn must be
    assert changes(bot) == before


def test_help_lists_every_subcommand(bot):
    from bot.release.parser import SUBCOMMANDS

    reply = bot.command("help", user=OUTSIDER)
    for usage in SUBCOMMANDS:
        assert f"*{usage.name}*" in reply.text


# -- the release channel ---------------------------------------------------------------------------
def test_checklist_messages_are_valid_block_kit_and_one_per_deliverable(bot, standin):
    channel_id, _ = open_release(bot, standin)
    with session_scope(bot.engine) as session:
        items = session.exec(select(Deliverable)).all()
    assert all(d.message_ts for d in items)
    assert len({d.message_ts for d in items}) == len(items)
    assert not standin.calls_to("chat.postMessage", ok=False), "Slack refused a message"
    assert not standin.calls_to("chat.update", ok=False)


def test_channel_name_taken_gets_a_suffix(bot, standin):
    standin.add_channel(CHANNEL)
    reply = bot.command('new "Midnight Drive" by Nova Lane on 2027-03-12', user=PM)
    assert reply.status == 200
    bot.settle()
    assert standin.channel_by_name(CHANNEL + "-2") is not None


def test_tight_date_warns_and_a_non_friday_gets_a_note(bot, standin, clock):
    reply = bot.command('new "Rush Job" by Nova Lane on 2027-01-20', user=PM)
    assert "This date is tight" in reply.text and "Delivery to the distributor" in reply.text
    assert "12 working days of lead time is less than the 28 the single playbook plans for" in reply.text
    assert "is not a Friday" in reply.text


def test_duplicate_new_creates_nothing_twice(bot, standin):
    open_release(bot, standin)
    again = bot.command('new "Midnight Drive" by Nova Lane on 2027-03-12', user=PM)
    assert "already exists" in again.text
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Release)).all()) == 1


def test_reactions_elsewhere_are_ignored_and_removing_the_last_check_reopens(bot, standin):
    channel_id, _ = open_release(bot, standin)
    before = changes(bot)
    overview_ts = standin.channel_by_name(CHANNEL)["pins"][0]
    bot.react("white_check_mark", user=DESIGNER, channel=channel_id, ts=overview_ts)
    bot.react("white_check_mark", user=DESIGNER, channel="COTHER", ts="1.000100")
    bot.settle()
    assert changes(bot) == before

    ts = checklist(standin, channel_id)["master"]["ts"]
    bot.react("heavy_check_mark", user=DESIGNER, channel=channel_id, ts=ts)
    bot.react("white_check_mark", user=PM, channel=channel_id, ts=ts)
    bot.settle()
    bot.react("heavy_check_mark", user=DESIGNER, channel=channel_id, ts=ts, added=False)
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.exec(select(Deliverable).where(Deliverable.key == "master")).one().state == "done"
    bot.react("white_check_mark", user=PM, channel=channel_id, ts=ts, added=False)
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.exec(select(Deliverable).where(Deliverable.key == "master")).one().state == "open"
    assert ":white_circle:" in message_text(checklist(standin, channel_id)["master"])


def test_claim_reaction_with_skin_tone_and_claim_of_owned_item_is_refused(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    ts = checklist(standin, channel_id)["artwork"]["ts"]
    bot.react("raised_hand::skin-tone-4", user=DESIGNER, channel=channel_id, ts=ts)
    bot.settle()
    refused = bot.command("claim artwork", user=DISTRIBUTION, **room)
    assert f"owned by <@{DESIGNER}>" in refused.text and "assign artwork" in refused.text


def test_an_assignment_tells_the_new_owner_once_in_a_dm_and_names_them_in_the_channel(bot, standin):
    channel_id, _ = open_release(bot, standin)
    posted_before = {m["ts"] for m in standin.messages(channel_id)}
    reply = bot.command(f"assign artwork <@{DESIGNER}|dee>", user=PM, channel=channel_id, channel_name=CHANNEL)
    assert reply.public and f"*{standin.users[DESIGNER]['real_name']}* now owns" in reply.text
    assert f"<@{DESIGNER}>" not in json.dumps(reply.body), "the channel's answer does not ping them"
    bot.settle()
    told = [m for m in standin.dms(DESIGNER) if "gave you *Cover artwork*" in m["text"] + message_text(m)]
    posted = [m for m in standin.messages(channel_id) if m["ts"] not in posted_before]
    assert len(told) == 1 and all(f"<@{DESIGNER}>" not in json.dumps(m) for m in posted), "(edits never ping)"


def test_an_added_deliverable_with_an_owner_tells_them_once_in_a_dm(bot, standin):
    channel_id, _ = open_release(bot, standin)
    reply = bot.command(f'add "Lyric video" owner <@{DESIGNER}|dee>', user=PM, channel=channel_id, channel_name=CHANNEL)
    assert reply.public and f"owner *{standin.users[DESIGNER]['real_name']}*" in reply.text
    assert f"<@{DESIGNER}>" not in json.dumps(reply.body)
    bot.settle()
    assert sum("gave you *Lyric video*" in m["text"] + message_text(m) for m in standin.dms(DESIGNER)) == 1


def test_managed_actions_allow_pm_admin_and_refuse_others(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    refused = bot.command("remove ad-creative", user=OUTSIDER, **room)
    assert "Only the PM" in refused.text and "can remove deliverables" in refused.text
    by_admin = bot.command("due artwork 2027-02-05", user=ADMIN, **room)
    assert by_admin.public and "pinned" in by_admin.text
    by_pm = bot.command("remove ad-creative", user=PM, **room)
    assert by_pm.public and "removed *Ad creative*" in by_pm.text


def test_pinning_a_deliverable_to_its_own_date_says_it_stays_there(bot, standin):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command("due artwork 2027-02-05", user=PM, **room)
    again = bot.command("due artwork 2027-02-05", user=PM, **room)
    assert "kept *Cover artwork*" in again.text and "from" not in again.text.split("pinned")[0]


def test_date_move_keeps_pinned_dates_and_flags_what_is_now_past(bot, standin, clock):
    channel_id, _ = open_release(bot, standin)
    room = dict(channel=channel_id, channel_name=CHANNEL)
    bot.command("due artwork 2027-02-05", user=PM, **room)
    moved = bot.command("date 2027-01-22", user=PM, **room)
    assert "Now in the past" in moved.text and "Hard deadlines that cannot be met" in moved.text
    with session_scope(bot.engine) as session:
        artwork = session.exec(select(Deliverable).where(Deliverable.key == "artwork")).one()
    assert str(artwork.due_date) == "2027-02-05"


def test_user_text_is_escaped_everywhere_it_is_echoed(bot, standin):
    reply = bot.command('new "<!here> Hits &amp; Misses" by <@UEVIL> on 2027-03-12', user=PM)
    assert "<!here>" not in reply.text and "&lt;!here&gt;" in reply.text
    bot.settle()
    channel = next(c for c in standin.channels.values() if c["name"].startswith("rel-2027-03-12"))
    for message in standin.messages(channel["id"]):
        assert "<!here>" not in message["text"] and "<@UEVIL>" not in message["text"]
        assert "<!here>" not in mrkdwn_texts(message) and "<@UEVIL>" not in mrkdwn_texts(message)
    assert "<!here>" not in channel["topic"]["value"]


def mrkdwn_texts(message) -> str:
    """Every mrkdwn text object of a message (plain_text never pings anyone)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks"))
    return "\n".join(found)


def test_slack_failures_are_retried_and_nothing_is_posted_twice(bot, standin):
    standin.fail_fraction(0.3, statuses=(429, 500))
    channel_id, _ = open_release(bot, standin)
    standin.fail_fraction(0.0)
    bot.runtime.followup.reconcile()
    bot.settle()
    with session_scope(bot.engine) as session:
        items = session.exec(select(Deliverable)).all()
    posted = [m for m in standin.messages(channel_id) if m["ts"] != standin.channel_by_name(CHANNEL)["pins"][0]]
    assert len(posted) == len(items), "exactly one checklist message per deliverable"
    assert waited_as_asked(bot, standin), "each 429 waits its Retry-After, each 5xx one backoff"


def test_an_unexpected_failure_answers_with_a_reference_and_changes_nothing(bot, monkeypatch):
    from bot.release import dispatch

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(dispatch, "run", broken)
    reply = bot.command("status", user=PM)
    assert reply.status == 200 and "Something went wrong on our side (reference `" in reply.text
    assert "database on fire" not in reply.text
    assert changes(bot) == 0


def test_someone_joining_a_release_channel_sees_where_it_stands(bot, standin):
    channel_id, _ = open_release(bot, standin)
    standin.channels[channel_id]["members"].add(OUTSIDER)
    standin.reset_calls()
    inner = {"type": "member_joined_channel", "user": OUTSIDER, "channel": channel_id, "channel_type": "C",
             "team": "T0RELEASE", "event_ts": "1700000000.000100"}  # fmt: skip
    status, _, _ = bot.event(inner)
    bot.settle()
    welcome = standin.calls_to("chat.postEphemeral", ok=True)
    assert status == 200 and len(welcome) == 1 and welcome[0].args["user"] == OUTSIDER
    assert "days* to release" in json.dumps(welcome[0].args["blocks"])


def test_app_home_shows_my_deliverables_and_the_portfolio(bot, standin):
    channel_id, _ = open_release(bot, standin)
    bot.command("claim artwork", user=DESIGNER, channel=channel_id, channel_name=CHANNEL)
    status, _, _ = bot.event({"type": "app_home_opened", "user": DESIGNER, "channel": "D1", "tab": "home",
                              "event_ts": "1700000000.000200"})  # fmt: skip
    bot.settle()
    home = standin.home_views[DESIGNER]
    text = json.dumps(home["blocks"], ensure_ascii=False)
    assert status == 200 and "Cover artwork" in text and "Active releases (1)" in text
