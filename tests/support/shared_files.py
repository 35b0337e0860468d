"""Files people share in a release channel, as the tests make them: small generated images and WAVs, and the
signed ``message`` event Slack sends when one is shared in a checklist message's thread."""

from __future__ import annotations

import io
import wave

from PIL import Image

from tests.support.story import checklist


def png(width: int, height: int, mode: str = "RGB", kind: str = "PNG") -> bytes:
    """A solid-colour image: a 3000 × 3000 PNG is a few dozen kilobytes."""
    out = io.BytesIO()
    Image.new(mode, (width, height), "#c0392b" if mode == "RGB" else (10, 80, 80, 0)).save(out, kind)
    return out.getvalue()


def wav(bits: int, *, rate: int = 44_100, channels: int = 2) -> bytes:
    """A tenth of a second of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as written:
        written.setnchannels(channels)
        written.setsampwidth(bits // 8)
        written.setframerate(rate)
        written.writeframes(b"\0" * (bits // 8) * channels * (rate // 10))
    return out.getvalue()


def share(bot, standin, channel, user, name, content, *, key=None, text="", thread=True, event_id=None) -> dict:
    """``user`` shares a file in the thread of ``key``'s checklist message (or, ``thread`` False, in the channel);
    the bot gets the signed message event Slack sends about it, which is returned."""
    thread_ts = checklist(standin, channel)[key]["ts"] if key and thread else None
    _, message = standin.share_file(user, channel, name, content, text=text, thread_ts=thread_ts)
    event = {**message, "type": "message", "subtype": "file_share", "channel": channel, "channel_type": "channel",
             "event_ts": message["ts"]}  # fmt: skip
    status, _, _ = bot.event(event, event_id=event_id)
    assert status == 200
    bot.settle()
    return event
