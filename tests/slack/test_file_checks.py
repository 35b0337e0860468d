"""Files shared in a release channel: attached to the deliverable whose thread (or key) they are in, fetched with
the bot token, checked against its specification and answered in the thread, in the poster's language."""

from __future__ import annotations

import http.server
import threading

from sqlmodel import select

from messages.ids import ActionId
from storage.db import session_scope
from storage.models import DeliverableFile, DeliverableState
from tests.support.harness import button_click
from tests.support.people import DESIGNER, DISTRIBUTION, PM
from tests.support.shared_files import png, share, wav
from tests.support.story import checklist, item, open_release


def say(bot, standin, channel, user, text, *, key):
    root = checklist(standin, channel)[key]["ts"]
    message = standin.post_as(user, channel, text, thread_ts=root)
    event = {"type": "message", "user": user, "text": text, "ts": message["ts"], "thread_ts": root,
             "channel": channel, "channel_type": "channel", "event_ts": message["ts"]}  # fmt: skip
    assert bot.event(event)[0] == 200
    bot.settle()


def answers(standin, channel, key) -> list[dict]:
    """The bot's replies in the thread of ``key``'s checklist message."""
    root = checklist(standin, channel)[key]["ts"]
    replies = [m for m in standin.messages(channel) if m.get("thread_ts") == root and m["ts"] != root]
    return [m for m in replies if m.get("user") == "UBOT" and not m.get("files")]


def words(message: dict) -> str:
    return message["text"] + "\n" + "\n".join(b.get("text", {}).get("text", "") for b in message.get("blocks") or [])


def has_done(message: dict) -> bool:
    return any(e.get("action_id") == ActionId.DONE for b in message.get("blocks") or [] for e in b.get("elements", []))


def attached(bot) -> list[DeliverableFile]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(DeliverableFile).order_by(DeliverableFile.id)))


def test_a_small_cover_is_answered_with_what_to_fix(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "cover.png", png(1000, 1000), key="artwork")
    [answer] = answers(standin, channel, "artwork")
    assert "1000 × 1000 px; it needs at least 3000 × 3000 px" in words(answer)
    assert not has_done(answer)
    [row] = attached(bot)
    assert (row.name, row.verdict, row.spec, row.shared_by) == ("cover.png", "failed", "cover", DESIGNER)


def test_a_cmyk_cover_is_told_to_be_saved_as_rgb(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "cover.jpg", png(3000, 3000, "CMYK", "JPEG"), key="artwork")
    [answer] = answers(standin, channel, "artwork")
    assert "it is CMYK; save it as RGB" in words(answer)
    assert "needs at least" not in words(answer)


def test_a_good_cover_passes_and_its_done_button_finishes_the_artwork(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "cover-final.png", png(3000, 3000), key="artwork")
    [answer] = answers(standin, channel, "artwork")
    assert "*cover-final.png* is ready for distribution: 3000 × 3000 px, RGB, PNG" in words(answer)
    assert has_done(answer)
    # The button is the checklist's own Done: the same rules, the same change.
    bot.interact(button_click(answer, ActionId.DONE, user=DESIGNER, channel=channel,
                              response_url=standin.response_url("done-from-thread")))  # fmt: skip
    bot.settle()
    assert item(bot, "artwork").state == DeliverableState.DONE


def test_a_file_naming_the_key_outside_the_thread_is_attached_to_it(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "cover.png", png(3000, 3000), key="artwork", thread=False,
          text="new artwork for the single")  # fmt: skip
    [row] = attached(bot)
    assert row.deliverable_id == item(bot, "artwork").id and row.verdict == "passed"
    event_ts = standin.messages(channel)[-2]["ts"]  # answered in the poster's own message's thread
    replies = [m for m in standin.messages(channel) if m.get("thread_ts") == event_ts]
    assert any("ready for distribution" in words(m) for m in replies)


def test_masters_must_share_one_bit_depth(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, PM, "track-1.wav", wav(24), key="master")
    share(bot, standin, channel, PM, "track-2.wav", wav(16), key="master")
    first, second = answers(standin, channel, "master")
    assert "WAV, 24 bit, 44.1 kHz, stereo" in words(first) and has_done(first)
    assert "16 bit, while the release's other masters are 24 bit" in words(second)
    assert not has_done(second)
    assert [r.details["bits"] for r in attached(bot)] == [24, 16]


def test_a_mono_low_rate_master_is_refused_on_both_counts(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, PM, "demo.wav", wav(16, rate=22_050, channels=1), key="master")
    text = words(answers(standin, channel, "master")[0])
    assert "22.05 kHz; masters need 44.1 kHz or more" in text and "1 channel; masters are stereo" in text


def test_a_corrupt_file_gets_a_clear_answer(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, PM, "track.wav", b"RIFF\x00\x00\x00\x00WAVEjunk" * 10, key="master")
    share(bot, standin, channel, DESIGNER, "cover.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, key="artwork")
    for key in ("master", "artwork"):
        [answer] = answers(standin, channel, key)
        assert "could not be read: the file looks damaged" in words(answer)
    assert {r.verdict for r in attached(bot)} == {"unreadable"}


def test_a_download_slack_refuses_is_said_so(bot, standin):
    channel, _ = open_release(bot, standin)
    standin.world.scopes.discard("files:read")  # Slack sends such a token to its sign-in page
    share(bot, standin, channel, DESIGNER, "cover.png", png(3000, 3000), key="artwork")
    assert "Slack did not let me download it" in words(answers(standin, channel, "artwork")[0])


def test_codes_in_the_metadata_thread_are_checked(bot, standin):
    channel, _ = open_release(bot, standin)
    say(bot, standin, channel, DISTRIBUTION, "ISRC: USRC17607839, UPC 012345678905", key="metadata")
    say(bot, standin, channel, DISTRIBUTION, "fixed? ISRC GB-ABC-27-0001 and EAN 4006381333932", key="metadata")
    say(bot, standin, channel, DISTRIBUTION, "thanks, looking at the credits now", key="metadata")
    good, bad = answers(standin, channel, "metadata")
    assert "The codes check out: ISRC `USRC17607839` · UPC/EAN `012345678905`" in words(good)
    assert "ISRC `GBABC270001` is not a valid ISRC" in words(bad)
    assert "UPC/EAN `4006381333932` is not valid" in words(bad)


def test_a_german_poster_is_answered_in_german(bot, standin):
    standin.users[DESIGNER]["locale"] = "de-DE"
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "cover.png", png(1000, 1000), key="artwork")
    text = words(answers(standin, channel, "artwork")[0])
    assert "nötig sind mindestens 3000 × 3000 px" in text and "Teile die korrigierte Datei" in text


def test_a_replayed_event_changes_nothing(bot, standin):
    channel, _ = open_release(bot, standin)
    event = share(bot, standin, channel, DESIGNER, "cover.png", png(3000, 3000), key="artwork", event_id="EvFILE1")
    downloads = len(standin.calls)
    assert bot.event(event, event_id="EvFILE1")[0] == 200
    bot.settle()
    assert len(answers(standin, channel, "artwork")) == 1 and len(attached(bot)) == 1
    assert len(standin.calls) == downloads


def test_files_elsewhere_and_the_bots_own_are_left_alone(bot, standin):
    channel, _ = open_release(bot, standin)
    share(bot, standin, channel, DESIGNER, "moodboard.png", png(10, 10), thread=False, text="some ideas")
    share(bot, standin, channel, "UBOT", "cover.png", png(10, 10), key="artwork")
    share(bot, standin, channel, DESIGNER, "notes.png", png(10, 10), key="press-release")  # no specification
    assert answers(standin, channel, "artwork") == [] and answers(standin, channel, "press-release") == []
    assert [r.name for r in attached(bot)] == ["notes.png"]


def test_the_bot_token_goes_only_to_slack_s_own_file_host(bot, standin):
    asked: list[str] = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            asked.append(self.headers.get("Authorization") or "")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(png(3000, 3000))

        def log_message(self, *_args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        channel, _ = open_release(bot, standin)
        root = checklist(standin, channel)["artwork"]["ts"]
        shared, message = standin.share_file(DESIGNER, channel, "cover.png", png(3000, 3000), thread_ts=root)
        elsewhere = f"http://127.0.0.1:{server.server_port}/files-pri/{shared['id']}/cover.png"
        files = [{**f, "url_private": elsewhere, "url_private_download": elsewhere} for f in message["files"]]
        event = {**message, "files": files, "type": "message", "subtype": "file_share", "channel": channel,
                 "channel_type": "channel", "event_ts": message["ts"]}  # fmt: skip
        assert bot.event(event)[0] == 200
        bot.settle()
    finally:
        server.shutdown()
    assert asked == [], "nothing was asked of a host that is not Slack's, so no token went there"
    assert "Slack did not let me download it" in words(answers(standin, channel, "artwork")[0])
