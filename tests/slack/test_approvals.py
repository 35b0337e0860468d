"""Sign-offs with the artist's team: named approvers approve the newest file of what the sign-off comes after
(here the single's cover), a newer file asks them again, changes requested reopen the cover, and a pending
approval nudges its approver after two working days, then the PM."""

from __future__ import annotations

from sqlmodel import select

from messages.ids import ActionId
from storage.db import session_scope
from storage.models import Approval, DeliverableState
from tests.support.harness import button_click, utc, view_submission
from tests.support.people import ARTIST_MANAGER, DESIGNER, PM
from tests.support.shared_files import png, share
from tests.support.story import CHANNEL, checklist, dm_texts, item, open_release, posts, tick

SIGN_OFF = "artist-approval"


def command(bot, channel, text, user=PM):
    return bot.command(text, user=user, channel=channel, channel_name=CHANNEL)


def name_approvers(bot, channel, *users):
    mentions = " ".join(f"<@{u}>" for u in users)
    reply = command(bot, channel, f"approvers {SIGN_OFF} {mentions}")
    assert "is signed off by" in reply.text, reply.text
    bot.settle()


def approvals(bot) -> dict[str, Approval]:
    with session_scope(bot.engine) as session:
        return {a.user_id: a for a in session.exec(select(Approval))}


def latest_ask(standin, user) -> dict:
    return [m for m in standin.dms(user) if any(e.get("action_id") == ActionId.APPROVE
            for b in m.get("blocks") or [] for e in b.get("elements", []))][-1]  # fmt: skip


def click_in_dm(bot, standin, user, action_id, *, key, trigger_id=None) -> dict:
    """``user`` clicks ``action_id`` on the newest DM asking them to sign off; the payload sent."""
    dm_channel = standin._im_for(user, create=False)["id"]
    payload = button_click(latest_ask(standin, user), action_id, user=user, channel=dm_channel,
                           response_url=standin.response_url(key))  # fmt: skip
    if trigger_id:
        payload["trigger_id"] = trigger_id
    assert bot.interact(payload)[0] == 200
    bot.settle()
    return payload


def answer(standin, key) -> str:
    """What the clicker was answered (in a DM the clicked row of buttons becomes the answer)."""
    reply = standin.responses(key)[0]
    return reply["text"] + str(reply.get("blocks"))


def cover(bot, standin, channel, name):
    share(bot, standin, channel, DESIGNER, name, png(3000, 3000), key="artwork")


def test_an_approval_resets_when_a_new_file_arrives(bot, standin):
    channel, _ = open_release(bot, standin)
    name_approvers(bot, channel, ARTIST_MANAGER, PM)
    assert "nothing has been shared for it yet" in dm_texts(standin, ARTIST_MANAGER)[-1]
    cover(bot, standin, channel, "cover-v1.png")
    assert "A new file is in" in dm_texts(standin, ARTIST_MANAGER)[-1] and "cover-v1.png" in dm_texts(standin, PM)[-1]
    first = click_in_dm(bot, standin, ARTIST_MANAGER, ActionId.APPROVE, key="mika-1")
    assert "Still waiting on <@UPMPAULA>" in answer(standin, "mika-1")
    v1 = approvals(bot)[ARTIST_MANAGER].file_id
    assert approvals(bot)[ARTIST_MANAGER].state == "approved" and v1

    cover(bot, standin, channel, "cover-v2.png")
    mika = approvals(bot)[ARTIST_MANAGER]
    assert (mika.state, mika.file_id != v1) == ("pending", True), "a newer file asks again"
    assert "cover-v2.png" in dm_texts(standin, ARTIST_MANAGER)[-1]
    assert bot.interact(first)[0] == 200  # the old click, replayed, changes nothing
    bot.settle()
    assert approvals(bot)[ARTIST_MANAGER].state == "pending"

    click_in_dm(bot, standin, ARTIST_MANAGER, ActionId.APPROVE, key="mika-2")
    assert item(bot, SIGN_OFF).state == DeliverableState.OPEN
    click_in_dm(bot, standin, PM, ActionId.APPROVE, key="paula-1")
    assert item(bot, SIGN_OFF).state == DeliverableState.DONE
    assert "is signed off" in answer(standin, "paula-1")


def test_a_non_approver_is_refused_with_who_decides(bot, standin):
    channel, _ = open_release(bot, standin)
    name_approvers(bot, channel, ARTIST_MANAGER)
    message = checklist(standin, channel)[SIGN_OFF]
    assert f"<@{ARTIST_MANAGER}> :hourglass_flowing_sand:" in str(message["blocks"])
    payload = button_click(message, ActionId.APPROVE, user=DESIGNER, channel=channel,
                           response_url=standin.response_url("dee"))  # fmt: skip
    assert bot.interact(payload)[0] == 200
    bot.settle()
    assert "Only the approvers of *Artist sign-off on the campaign*" in answer(standin, "dee")
    assert approvals(bot)[ARTIST_MANAGER].state == "pending"
    changes = button_click(message, ActionId.REQUEST_CHANGES, user=DESIGNER, channel=channel,
                           response_url=standin.response_url("dee-changes"))  # fmt: skip
    assert bot.interact({**changes, "trigger_id": standin.issue_trigger_id()})[0] == 200
    bot.settle()
    assert "Only the approvers" in answer(standin, "dee-changes") and not standin.calls_to("views.open")
    shown = command(bot, channel, f"approvers {SIGN_OFF}", user=DESIGNER).text
    assert f"<@{ARTIST_MANAGER}> pending" in shown
    assert "not a sign-off" in command(bot, channel, f"approvers artwork <@{ARTIST_MANAGER}>").text


def test_changes_requested_reopen_the_cover_and_tell_its_owner(bot, standin):
    channel, _ = open_release(bot, standin)
    command(bot, channel, f"assign artwork <@{DESIGNER}|dee>")
    name_approvers(bot, channel, ARTIST_MANAGER)
    cover(bot, standin, channel, "cover.png")
    command(bot, channel, "done artwork", user=DESIGNER)
    assert item(bot, "artwork").state == DeliverableState.DONE

    click_in_dm(
        bot, standin, ARTIST_MANAGER, ActionId.REQUEST_CHANGES, key="mika", trigger_id=standin.issue_trigger_id()
    )
    form = standin.wait_for(lambda: standin.calls_to("views.open", ok=True), what="the form")[-1].response["view"]
    assert form["callback_id"] == "changes_reason"
    values = {"reason": {"reason_input": {"type": "plain_text_input", "value": "The title must be <b>bigger</b>"}}}
    assert bot.interact(view_submission(form, ARTIST_MANAGER, values))[0] == 200
    bot.settle()

    assert item(bot, "artwork").state == DeliverableState.OPEN
    told = dm_texts(standin, DESIGNER)[-1]
    assert f"<@{ARTIST_MANAGER}> asked for changes to *Cover artwork*" in told and "&lt;b&gt;bigger" in told
    assert approvals(bot)[ARTIST_MANAGER].state == "changes"
    assert any("Changes requested on *Artist sign-off" in m["text"] for m in standin.messages(channel))


def test_a_pending_approval_nudges_the_approver_after_two_working_days_then_the_pm(bot, standin):
    channel, _ = open_release(bot, standin)
    name_approvers(bot, channel, ARTIST_MANAGER)
    bot.clock.now = utc(2027, 1, 11, 9, 0)  # Monday
    cover(bot, standin, channel, "cover.png")

    def nudged(user):
        return [t for t in dm_texts(standin, user) if "waited on" in t]

    tick(bot, utc(2027, 1, 12, 15, 0))  # Tuesday: one working day
    assert nudged(ARTIST_MANAGER) == []
    tick(bot, utc(2027, 1, 13, 10, 0))  # Wednesday, before 9:00 in New York; the standup says who is waited on
    assert nudged(ARTIST_MANAGER) == []
    standup = posts(standin, channel, "Standup · Wed 13 Jan")[-1]["text"]
    assert f"Artist sign-off on the campaign: waiting on <@{ARTIST_MANAGER}> since Mon 11 Jan 2027" in standup
    tick(bot, utc(2027, 1, 13, 15, 0))
    tick(bot, utc(2027, 1, 13, 15, 5))
    assert len(nudged(ARTIST_MANAGER)) == 1 and "(2 working days)" in nudged(ARTIST_MANAGER)[0]
    assert nudged(PM) == []
    tick(bot, utc(2027, 1, 15, 9, 0))  # Friday: four working days
    assert len(nudged(PM)) == 1 and f"waited on <@{ARTIST_MANAGER}>" in nudged(PM)[0]

    status = command(bot, channel, "status").text
    assert f"Artist sign-off on the campaign: waiting on <@{ARTIST_MANAGER}> since Mon 11 Jan 2027" in status
