"""Slack's files: the two-step external upload, ``files.info``, and ``url_private`` downloads.

An upload is a ticket from ``files.getUploadURLExternal``, the bytes POSTed to its ``upload_url``, then
``files.completeUploadExternal`` sharing the file (with an optional comment) into a conversation. A file
is downloaded from its ``url_private`` with a bot token that has ``files:read``; without one Slack answers
with a redirect to its sign-in page, as the real one does, so a client that forgets the token reads HTML.
"""

from __future__ import annotations

import json
import mimetypes
import time

from tests.support.standin.state import BOT_USER, SlackError, World
from tests.support.standin.webapi import can_post, invalid_arguments, method

ALT_TEXT = 1000
COMMENT_TEXT = 4000
COMPLETE_FILES = 100
UPLOAD_PATH = "/upload/v1/"
DOWNLOAD_PATH = "/files-pri/"
SIGN_IN_PATH = "/signin"
SIGN_IN_PAGE = "<html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>"


def new_file(world: World, *, name: str, user: str, content: bytes | None, title: str | None = None) -> dict:
    """A file as Slack keeps it; ``content`` None means its bytes have not arrived yet."""
    file_id = world.new_id("F")
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    entry = {
        "id": file_id,
        "created": int(time.time()),
        "timestamp": int(time.time()),
        "name": name,
        "title": title or name,
        "mimetype": mimetype,
        "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
        "user": user,
        "size": len(content) if content is not None else 0,
        "url_private": f"{world.file_host}{DOWNLOAD_PATH}{world.team_id}-{file_id}/{name}",
        "url_private_download": f"{world.file_host}{DOWNLOAD_PATH}{world.team_id}-{file_id}/download/{name}",
        "channels": [],
        "content": content,
        "completed": content is not None,
    }
    world.files[file_id] = entry
    return entry


def file_json(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in {"content", "completed", "expected", "alt_txt"}}


@method("files.getUploadURLExternal")
def files_get_upload_url_external(world: World, args: dict) -> dict:
    try:
        length = int(args["length"])
    except (TypeError, ValueError):
        raise invalid_arguments("length must be an integer") from None
    if length < 1:
        raise SlackError("missing_argument")
    if len(str(args.get("alt_txt") or "")) > ALT_TEXT:
        raise SlackError("alt_txt_too_large")
    entry = new_file(world, name=str(args["filename"]), user=BOT_USER, content=None)
    entry["expected"] = length
    entry["alt_txt"] = args.get("alt_txt")
    return {"file_id": entry["id"], "upload_url": f"{world.file_host}{UPLOAD_PATH}{entry['id']}"}


def receive_upload(world: World, file_id: str, body: bytes) -> tuple[int, str]:
    """The POST of a file's bytes to its upload_url: (HTTP status, body) as the upload host answers."""
    entry = world.files.get(file_id)
    if entry is None or entry["completed"] or entry["content"] is not None:
        return 404, "invalid_upload_url"
    if len(body) != entry["expected"]:
        return 400, f"length mismatch: announced {entry['expected']} bytes, received {len(body)}"
    entry["content"], entry["size"] = body, len(body)
    return 200, f"OK - {len(body)}"


@method("files.completeUploadExternal")
def files_complete_upload_external(world: World, args: dict) -> dict:
    listed = args["files"]
    if isinstance(listed, str):
        try:
            listed = json.loads(listed)
        except ValueError:
            raise invalid_arguments("files must be a JSON array") from None
    if not isinstance(listed, list) or not listed or len(listed) > COMPLETE_FILES:
        raise invalid_arguments("files must be an array of 1 to 100 objects with an id")
    entries = []
    for item in listed:
        entry = world.files.get(str(item.get("id", ""))) if isinstance(item, dict) else None
        if entry is None or entry["content"] is None or entry["completed"]:
            raise SlackError("file_not_found")
        entries.append((entry, item.get("title")))
    channel = None
    if args.get("channel_id"):
        channel = world.visible(args["channel_id"])
        can_post(world, channel)
    comment = args.get("initial_comment")
    if comment is not None and len(str(comment)) > COMMENT_TEXT:
        raise invalid_arguments("initial_comment is too long")
    for entry, title in entries:
        entry["completed"] = True
        entry["title"] = title or entry["title"]
    if channel is not None:
        shared = [file_json(entry) for entry, _ in entries]
        message = {
            "type": "message",
            "user": BOT_USER,
            "team": world.team_id,
            "text": str(comment or ""),
            "blocks": [],
            "files": shared,
            "upload": True,
            "ts": world.next_ts(),
            "thread_ts": args.get("thread_ts"),
            "reactions": [],
        }
        channel["messages"].append(message)
        for entry, _ in entries:
            entry["channels"].append(channel["id"])
    return {"files": [{key: e[key] for key in ("id", "title", "created", "user")} for e, _ in entries]}


@method("files.info")
def files_info(world: World, args: dict) -> dict:
    entry = world.files.get(str(args["file"]))
    if entry is None or not entry["completed"]:
        raise SlackError("file_not_found")
    return {"file": file_json(entry), "comments": [], "response_metadata": {"next_cursor": ""}}


def download(world: World, path: str, token: str) -> tuple[int, dict, bytes]:
    """GET of a url_private: the bytes for a bot token with files:read, else a redirect to sign-in."""
    if token not in world.tokens or (world.scopes is not None and "files:read" not in world.scopes):
        return 302, {"Location": f"{world.file_host}{SIGN_IN_PATH}"}, b""
    key = path.removeprefix(DOWNLOAD_PATH).split("/", 1)[0]
    team, _, file_id = key.partition("-")
    entry = world.files.get(file_id)
    if team != world.team_id or entry is None or not entry["completed"]:
        return 404, {"Content-Type": "text/html"}, b"<html><body>File not found</body></html>"
    return 200, {"Content-Type": entry["mimetype"]}, entry["content"]
