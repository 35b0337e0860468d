"""A release's budget through the real request path: the plan against spend per bucket, in English and German,
in yen; refusals that name no amount; the PM's 90% and 100% DMs, once each; and a whole release's worth of
Slack traffic in which no amount reaches anyone but the people allowed to see it."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.db import session_scope
from storage.models import Outbox, OutboxState
from tests.slack.test_weekly_picture import _uploads
from tests.support.harness import utc
from tests.support.people import ADMIN, ARTIST_MANAGER, DESIGNER, DISTRIBUTION, OUTSIDER, PM
from tests.support.story import CHANNEL, dm_texts, open_release, posts, tick

HEAD = "UHEADHANNA"
NBSP = "\u00a0"
PRIVATE = "Only the release's PM, the label heads, workspace admins and owners, and Releasebot admins"


def _room(bot, standin) -> dict:
    room, _ = open_release(bot, standin)
    return dict(channel=room, channel_name=CHANNEL)


def _budget_dms(standin, user: str) -> list[str]:
    return [t for t in dm_texts(standin, user) if "budget" in t.lower()]


def test_a_plan_and_spend_in_two_buckets_shown_to_those_who_may_see_it(bot, standin):
    standin.add_user(HEAD, name="hanna", tz="Europe/Berlin")
    bot.command(f"settings label_heads <@{HEAD}|hanna>", user=PM)
    where = _room(bot, standin)

    assert "has no budget yet" in bot.command("budget", user=PM, **where).text
    set_ = bot.command("budget 12,000", user=PM, **where)  # a Berlin workspace: euros
    assert not set_.public and "The budget for *Midnight Drive* is €12,000.00" in set_.text
    spent = bot.command("spend 1,200.50 artwork cover shoot <!channel>", user=PM, **where)
    assert not spent.public and "Recorded €1,200.50 for artwork: cover shoot &lt;!channel&gt;" in spent.text
    assert "€10,799.50 left" in spent.text
    assert not bot.command("spend €450 ads pre-save campaign", user=PM, **where).public

    for who in (PM, ADMIN, HEAD):
        shown = bot.command("budget", user=who, **where)
        assert not shown.public
        assert "Spent €1,650.50 of €12,000.00 (13%), €10,349.50 left" in shown.text
        assert "• artwork: €1,200.50" in shown.text and "• ads: €450.00" in shown.text
        assert "video" not in shown.text, "only the buckets with costs"

    for who in (DESIGNER, OUTSIDER):  # in the channel or not: not theirs to see
        for text in ("budget", "budget 1", "spend 5 other coffee"):
            refused = bot.command(text, user=who, **where)
            assert not refused.public and PRIVATE in refused.text
            assert "€" not in refused.text and "12,000" not in refused.text and "1,650" not in refused.text
    unchanged = bot.command("budget", user=PM, **where).text
    assert "Spent €1,650.50 of €12,000.00" in unchanged, "the refusals changed nothing"
    assert "Run `budget` and `spend` in a release's channel" in bot.command("budget", user=PM).text


def test_german_formatting_a_yen_plan_and_a_currency_that_cannot_change(bot, standin):
    where = _room(bot, standin)
    bot.command("settings language de", user=PM)
    set_ = bot.command("budget 1.200,50", user=PM, **where)
    assert f"Das Budget für *Midnight Drive* beträgt 1.200,50{NBSP}€" in set_.text
    spent = bot.command("spend 200,25 mixing-mastering Mastering Studio B", user=PM, **where)
    assert f"200,25{NBSP}€ für Mix & Mastering erfasst" in spent.text
    assert f"1.000,25{NBSP}€ übrig" in spent.text and f"(16{NBSP}%)" in spent.text
    locked = bot.command("budget 150000 JPY", user=PM, **where)
    assert "Es sind schon Kosten in EUR erfasst" in locked.text and "1.200" not in locked.text

    bot.command("settings language en", user=PM)
    yen = _room_two(bot, standin)
    assert "The budget for *Second Wind* is ¥150,000" in bot.command("budget 150000 JPY", user=PM, **yen).text
    assert "JPY has no minor units: write a whole amount" in bot.command("spend 99.5 video clip", user=PM, **yen).text
    assert "Recorded ¥99,000 for video" in bot.command("spend ¥99,000 video lyric clip", user=PM, **yen).text
    assert "record the cost in JPY" in bot.command("spend 5 EUR other taxi", user=PM, **yen).text
    shown = bot.command("budget", user=PM, **yen).text
    assert "Spent ¥99,000 of ¥150,000 (66%), ¥51,000 left" in shown and "• video: ¥99,000" in shown


def _room_two(bot, standin) -> dict:
    bot.command(f'new "Second Wind" by Nova Lane on 2027-04-16 playbook single pm <@{PM}|paula>', user=PM)
    bot.settle()
    name = "rel-2027-04-16-nova-lane-second-wind"
    return dict(channel=standin.channel_by_name(name)["id"], channel_name=name)


def test_what_is_no_amount_or_no_bucket_is_refused_saying_how_to_write_it(bot, standin):
    where = _room(bot, standin)
    assert "has no budget yet: set one first" in bot.command("spend 50 ads boost", user=PM, **where).text
    cases = {
        "budget 12,3456": "could be read more than one way",
        "budget 1,2,3": "could be read more than one way",
        "budget -500": "without a minus",
        "budget 0": "more than zero",
        "budget 250000000": "the most a budget or cost may be",
        "budget lots": "can't read that as an amount",
        "budget 12.345 EUR": "",  # grouping: twelve thousand three hundred and forty-five
        "spend 50 artwrok cover": "did you mean `artwork`?",
        "spend 50 mastering vinyl cut": "did you mean `mixing-mastering`?",
        "spend 50 catering pizza": "is not one of the budget's buckets. They are: recording, mixing-mastering",
        "spend 50 ads": "Write the amount, what it is for and a note",
        "spend 50 ads " + "x" * 201: "The note is 201 characters; keep it under 200",
    }
    for text, expected in cases.items():
        reply = bot.command(text, user=PM, **where)
        assert not reply.public and expected in reply.text, text
        if expected:
            assert "12,345" not in reply.text and "12.345,00" not in reply.text, text
    assert "€12,345.00" in bot.command("budget", user=PM, **where).text, "only the one that read was saved"


def test_the_pm_hears_of_90_and_100_percent_once_each_and_a_new_plan_re_arms_them(bot, standin, clock):
    where = _room(bot, standin)

    def told() -> list[str]:  # the DM waits in the outbox for the next tick, so a crash cannot lose it
        tick(bot, clock())
        return [t for t in _budget_dms(standin, PM) if "its budget" in t]  # not the Monday picture's words

    bot.command("budget 1000", user=PM, **where)
    bot.command("spend 850 recording studio days", user=ADMIN, **where)
    assert not told()
    bot.command("spend 50 recording overtime", user=ADMIN, **where)  # exactly 90%
    with session_scope(bot.engine) as session:  # saved with the spend itself, before anything is sent
        waiting = session.exec(select(Outbox).where(Outbox.kind == "budget")).all()
    assert [(row.channel, row.state) for row in waiting] == [(PM, OutboxState.PENDING)]
    assert len(told()) == 1 and "passed 90% of its budget" in told()[0]
    assert "Spent €900.00 of €1,000.00 (90%), €100.00 left" in told()[0]
    bot.command("spend 10 other cables", user=PM, **where)
    assert len(told()) == 1, "90% told once"
    bot.command("spend 100 other van", user=PM, **where)
    assert len(told()) == 2 and "used up its budget" in told()[1]
    assert "*€10.00 over*" in told()[1]
    bot.command("spend 5 other tape", user=PM, **where)
    assert len(told()) == 2, "100% told once"

    bot.command("budget 2000", user=PM, **where)  # 1,015 of 2,000: both thresholds armed again
    bot.command("spend 985 ads launch", user=PM, **where)  # straight to 100%: one DM, not two
    assert len(told()) == 3 and "used up its budget" in told()[2]
    assert not any(_budget_dms(standin, who) for who in (ADMIN, DESIGNER, DISTRIBUTION, ARTIST_MANAGER))


# Every way this release's amounts could be written: formatted in either language, and raw.
AMOUNTS = ("7,350", "7.350", "7350", "1,234.56", "1.234,56", "1234.56", "987", "€", "6,115", "6.115", "6115", "16%")


def test_no_amount_reaches_anyone_who_may_not_see_it_in_a_whole_release(bot, standin):
    standin.add_user(HEAD, name="hanna", tz="Europe/Berlin")
    bot.command(f"settings label_heads <@{HEAD}|hanna>", user=PM)
    where = _room(bot, standin)
    room = where["channel"]
    managers = [
        bot.command("budget 7,350", user=PM, **where),
        bot.command("spend 1,234.56 recording tracking day", user=PM, **where),
        bot.command("spend 987 video teaser", user=HEAD, **where),
        bot.command("budget", user=ADMIN, **where),
    ]
    assert all("€" in r.text for r in managers) and not any(r.public for r in managers)
    others = []
    for day in (5, 6, 7, 8, 11, 12):  # standups, reminders
        tick(bot, utc(2027, 1, day, 8, 31))
        others.append(bot.command("status", user=DESIGNER, **where))
    others += [
        bot.command("budget", user=DESIGNER, **where),
        bot.command("spend 10 ads boost", user=DISTRIBUTION, **where),
        bot.command("done artwork", user=DESIGNER, **where),
        bot.command("status", user=ARTIST_MANAGER, **where),
        bot.command("status", user=OUTSIDER),
        bot.command("mine", user=DESIGNER),
        bot.command("retro", user=DESIGNER, **where),
        bot.command("status", user=PM, **where),
        bot.command("report", user=PM),
    ]
    bot.clock.now = utc(2027, 3, 15, 10)
    assert bot.command("archive", user=PM, **where).public
    bot.settle()

    pm_dm = standin.im_for(PM)["id"]
    seen = []
    for call in standin.calls:
        args = call.args
        where_to = args.get("channel") or args.get("channel_id") or args.get("user_id") or ""
        if where_to in (PM, pm_dm):
            continue  # the PM's own DMs and Home may show her release's money
        seen.append((call.method, where_to, " ".join(str(args.get(k, "")) for k in ("text", "blocks", "view",
                                                                                    "initial_comment"))))  # fmt: skip
    seen += [("response_url", "", r.text) for r in others]
    assert any(room == to for _, to, _ in seen) and len(seen) > 40
    for method, to, text in seen:
        for amount in AMOUNTS:
            assert amount not in text, f"{amount} in {method} to {to}: {text[:300]}"

    retro_dm = [t for t in dm_texts(standin, PM) if "Retro · Nova Lane — Midnight Drive" in t]
    assert len(retro_dm) == 1 and "Budget: Spent €2,221.56 of €7,350.00 (30%), €5,128.44 left" in retro_dm[0]
    assert "recording €1,234.56 · video €987.00" in retro_dm[0]
    assert posts(standin, room, "Retro · Nova Lane — Midnight Drive"), "the channel's retro, without the money"
    assert json.dumps(standin.messages(room)).count("€") == 0


def test_the_pms_own_weekly_picture_shows_her_budgets_and_the_labels_does_not(bot, standin):
    standin.add_user(HEAD, name="hanna", tz="Europe/Berlin")
    bot.command(f"settings label_heads <@{HEAD}|hanna>", user=PM)
    where = _room(bot, standin)
    bot.command("budget 3,000", user=PM, **where)
    bot.command("spend 2,750 pr campaign", user=PM, **where)
    bot.clock.now = utc(2027, 2, 3, 10, 0)
    bot.command("report", user=PM)
    bot.command("report", user=HEAD)
    bot.settle()
    pm_picture, label_picture = _uploads(standin)[-2:]
    assert pm_picture["channel"] == standin.im_for(PM)["id"]
    assert "*Budgets (only you see this)*" in pm_picture["comment"]
    assert "*Midnight Drive*: Spent €2,750.00 of €3,000.00 (91%), €250.00 left" in pm_picture["comment"]
    assert label_picture["channel"] == standin.im_for(HEAD)["id"]
    assert "Budget" not in label_picture["comment"] and "€" not in label_picture["comment"]
