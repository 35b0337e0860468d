"""The Slack stand-in refuses what Slack refuses, through slack_sdk's own WebClient; and the request
helpers build what Slack sends. If the stand-in let something through that Slack rejects, every
other test could pass against a bot that fails in production."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime.stopping import Stop, Stopping
from bot.slack.sender import make_client
from tests.support import slackreq
from tests.support.served import free_port
from tests.support.standin import SlackStandIn

TOKEN = "xoxb-test-token"
PAYLOADS = Path(__file__).parents[1] / "payloads"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def slack(clock):
    with SlackStandIn(clock=clock) as standin:
        standin.add_user("UPAULA", name="paula")
        standin.add_user("UMIKA", name="mika", tz="America/New_York", is_admin=True)
        yield standin


@pytest.fixture
def client(slack):
    return WebClient(base_url=slack.base_url, token=TOKEN)


def refused(call, *args, **kwargs) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return raised.value


def error(call, *args, **kwargs) -> str:
    return refused(call, *args, **kwargs).response["error"]


@pytest.fixture
def room(client):
    return client.conversations_create(name="rel-room")["channel"]["id"]


# -- names, membership, arguments, tokens ---------------------------------------------------------
@pytest.mark.parametrize(
    "name, expected",
    [
        ("Release-Night", "invalid_name_specials"),
        ("night swim", "invalid_name_specials"),
        ("night.swim", "invalid_name_specials"),
        ("", "invalid_name_required"),
        ("-_-", "invalid_name_punctuation"),
        ("x" * 81, "invalid_name_maxlength"),
    ],
)
def test_channel_names_follow_slacks_rules(client, name, expected):
    assert error(client.conversations_create, name=name) == expected


def test_names_stay_taken_after_archiving_and_the_creator_is_a_member(client, slack):
    channel = client.conversations_create(name="x" * 80, is_private=True)["channel"]
    assert channel["is_member"] and channel["is_private"] and "UBOT" in slack.channels[channel["id"]]["members"]
    client.conversations_archive(channel=channel["id"])
    assert error(client.conversations_create, name="x" * 80) == "name_taken"
    assert error(client.conversations_archive, channel=channel["id"]) == "already_archived"
    assert error(client.chat_postMessage, channel=channel["id"], text="hi") == "is_archived"


def test_the_bot_must_be_in_a_channel_to_use_it(client, slack):
    public = slack.add_channel("general", members={"UPAULA"})["id"]
    private = slack.add_channel("secret", members={"UPAULA"}, is_private=True)["id"]
    assert error(client.chat_postMessage, channel=public, text="hi") == "not_in_channel"
    assert error(client.conversations_setTopic, channel=public, topic="t") == "not_in_channel"
    assert error(client.conversations_invite, channel=public, users="UMIKA") == "not_in_channel"
    assert error(client.chat_postMessage, channel=private, text="hi") == "channel_not_found"
    assert error(client.conversations_join, channel=private) == "channel_not_found"
    client.conversations_join(channel=public)
    assert client.chat_postMessage(channel=public, text="hi")["ok"]
    assert error(client.conversations_setTopic, channel=public, topic="t" * 251) == "too_long"
    assert [m["text"] for m in slack.messages(public)] == ["hi"]


def test_invites_are_all_or_nothing_unless_forced(client, slack, room):
    assert error(client.conversations_invite, channel=room, users="UBOT") == "cant_invite_self"
    failure = refused(client.conversations_invite, channel=room, users="UPAULA,UNOBODY").response
    assert failure["error"] == "user_not_found" and failure["errors"][0]["user"] == "UNOBODY"
    assert "UPAULA" not in slack.channels[room]["members"]
    forced = client.conversations_invite(channel=room, users="UPAULA,UNOBODY", force=True)
    assert forced["errors"][0]["error"] == "user_not_found" and "UPAULA" in slack.channels[room]["members"]
    assert error(client.conversations_invite, channel=room, users="UPAULA") == "already_in_channel"
    assert error(client.conversations_invite, channel=room, users=",".join(f"U{i}" for i in range(101))) == (
        "too_many_users"
    )


def test_tokens_and_missing_arguments(slack, client):
    assert error(WebClient(base_url=slack.base_url).auth_test) == "not_authed"
    assert error(WebClient(base_url=slack.base_url, token="xoxb-wrong").auth_test) == "invalid_auth"
    assert error(client.api_call, "chat.postMessage", json={"text": "hi"}) == "channel_not_found"
    assert error(client.api_call, "conversations.create", json={}) == "invalid_name_required"
    assert error(client.api_call, "conversations.invite", json={"channel": "C1"}) == "no_user"
    missing = refused(client.api_call, "views.open", json={"trigger_id": "1.2.3"}).response
    assert missing["error"] == "invalid_arguments"
    assert missing["response_metadata"]["messages"] == ["[ERROR] missing required field: view"]
    assert error(client.api_call, "chat.scheduleMessage", json={}) == "unknown_method"
    assert slack.calls_to("chat.postMessage")[0].args == {"text": "hi"}, "recorded, without the token"


def test_form_only_methods_ignore_json_bodies_as_slack_does(client):
    assert error(client.api_call, "users.info", json={"user": "UPAULA"}) == "user_not_found"
    user = client.users_info(user="UMIKA", include_locale=True)["user"]
    assert user["tz"] == "America/New_York" and user["is_admin"] and user["locale"] == "en-US"
    assert user["tz_offset"] in (-18000, -14400) and user["profile"]["display_name"] == "mika"
    assert "locale" not in client.users_info(user="UMIKA")["user"]


def test_messages_to_a_user_id_land_in_their_dm(client, slack):
    posted = client.chat_postMessage(channel="UPAULA", text="hi")
    assert posted["channel"].startswith("D") and [m["text"] for m in slack.dms("UPAULA")] == ["hi"]
    assert client.conversations_open(users="UPAULA")["channel"]["id"] == posted["channel"]
    assert error(client.chat_update, channel="UPAULA", ts=posted["ts"], text="edit") == "channel_not_found"
    slack.users["UPAULA"]["deleted"] = True
    assert error(client.conversations_open, users="UPAULA") == "user_disabled"
    assert error(client.chat_postMessage, channel="UNOBODY", text="hi") == "channel_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_message_rules_text_threads_updates_reactions_pins(client, slack, room):
    assert error(client.chat_postMessage, channel=room) == "no_text"
    assert error(client.chat_postMessage, channel=room, text="x" * 40_001) == "msg_too_long"
    parent = client.chat_postMessage(channel=room, text="parent")["ts"]
    reply = client.chat_postMessage(channel=room, text="reply", thread_ts=parent)["ts"]
    assert parent < reply and slack.messages(room)[1]["thread_ts"] == parent
    human = slack.post_as("UPAULA", room, "mine")["ts"]
    assert error(client.chat_update, channel=room, ts=human, text="edit") == "cant_update_message"
    assert error(client.chat_update, channel=room, ts="1.000001", text="edit") == "message_not_found"
    client.reactions_add(channel=room, timestamp=parent, name="white_check_mark")
    assert error(client.reactions_add, channel=room, timestamp=parent, name="white_check_mark") == "already_reacted"
    assert slack.messages(room)[0]["reactions"] == [{"name": "white_check_mark", "users": ["UBOT"], "count": 1}]
    client.reactions_remove(channel=room, timestamp=parent, name="white_check_mark")
    assert error(client.reactions_remove, channel=room, timestamp=parent, name="white_check_mark") == "no_reaction"
    client.pins_add(channel=room, timestamp=parent)
    assert error(client.pins_add, channel=room, timestamp=parent) == "already_pinned"
    assert error(client.pins_remove, channel=room, timestamp=reply) == "not_pinned"
    assert error(client.chat_postEphemeral, channel=room, user="UPAULA", text="psst") == "user_not_in_channel"


# -- Block Kit and views --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "blocks, pointer",
    [
        ([SECTION] * 51, "/blocks"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "/blocks/0/text/text"),
        (
            [{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "x" * 76}}]}],
            "/blocks/0/elements/0/text/text",
        ),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], "/blocks/0/text/text"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "/blocks/0/text/type"),
        ([SECTION | {"block_id": "a"}, SECTION | {"block_id": "a"}], "/blocks/1/block_id"),
        ([{"type": "carousel"}], "/blocks/0"),
    ],
)
def test_invalid_blocks_are_refused_with_slacks_reason_and_not_posted(client, slack, room, blocks, pointer):
    answer = refused(client.chat_postMessage, channel=room, text="fallback", blocks=blocks).response
    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"][0].endswith(f"[json-pointer:{pointer}]")
    assert slack.messages(room) == []


def test_fifty_blocks_are_fine(client, room):
    assert client.chat_postMessage(channel=room, text="fallback", blocks=[SECTION] * 50)["ok"]


def modal(title: str = "Block") -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [SECTION]}


def test_trigger_ids_work_once_and_for_three_seconds(client, slack, clock):
    trigger = slack.issue_trigger_id()
    bad_view = refused(client.views_open, trigger_id=trigger, view=modal("x" * 25)).response
    assert (
        bad_view["error"] == "invalid_arguments" and "/view/title/text" in bad_view["response_metadata"]["messages"][0]
    )
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert opened["id"].startswith("V") and opened["state"] == {"values": {}}
    assert error(client.views_open, trigger_id=trigger, view=modal()) == "exchanged_trigger_id"
    assert error(client.views_open, trigger_id="123.456.abc", view=modal()) == "invalid_trigger_id"
    late = slack.issue_trigger_id()
    clock.now += 3.1
    assert error(client.views_open, trigger_id=late, view=modal()) == "expired_trigger_id"
    assert client.views_update(view_id=opened["id"], view=modal("Done"))["view"]["id"] == opened["id"]


def test_home_tabs_hold_a_hundred_blocks(client, slack):
    home = {"type": "home", "blocks": [SECTION] * 100}
    client.views_publish(user_id="UPAULA", view=home)
    assert len(slack.home_views["UPAULA"]["blocks"]) == 100
    assert error(client.views_publish, user_id="UPAULA", view=home | {"blocks": [SECTION] * 101}) == (
        "invalid_arguments"
    )


# -- limits and faults ----------------------------------------------------------------------------
def test_posting_faster_than_a_channel_allows_is_refused_without_effect(client, slack, clock, room):
    slack.set_rate_limits(per_channel_per_sec=1.0, burst=1)
    client.chat_postMessage(channel=room, text="one")
    limited = refused(client.chat_postMessage, channel=room, text="two").response
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1" and limited["error"] == "ratelimited"
    assert [m["text"] for m in slack.messages(room)] == ["one"]
    assert client.chat_postMessage(channel="UPAULA", text="another channel")["ok"]
    clock.now += 1.0
    assert client.chat_postMessage(channel=room, text="two")["ok"]


def test_tier_limits_count_per_method_per_minute(client, slack, clock):
    slack.set_rate_limits(tiers=True)
    for i in range(20):  # conversations.create is Tier 2: 20 a minute
        client.conversations_create(name=f"c{i}")
    limited = refused(client.conversations_create, name="c20").response
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 59
    assert slack.channel_by_name("c20") is None
    clock.now += 60
    assert client.conversations_create(name="c20")["ok"]


def test_the_bots_client_waits_exactly_the_retry_after_it_is_given(slack, clock):
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    slack.set_rate_limits(tiers=True)
    ours = make_client(TOKEN, slack.base_url, sleep=sleep)
    for i in range(20):  # conversations.create is Tier 2: 20 a minute
        ours.conversations_create(name=f"c{i}")
    assert ours.conversations_create(name="c20")["ok"]
    limited = [c for c in slack.calls_to("conversations.create") if c.status == 429]
    assert len(limited) == 1 and waits == [60]


def test_the_bots_client_gives_up_after_five_429s_in_a_row(slack, room):
    waits = []
    slack.fail_next("chat.postMessage", status=429, times=10)
    ours = make_client(TOKEN, slack.base_url, sleep=waits.append)
    assert refused(ours.chat_postMessage, channel=room, text="never").response.status_code == 429
    assert len(waits) == 5 and len(slack.calls_to("chat.postMessage")) == 6, "one try and five retries"


def test_the_bots_client_backs_off_from_server_errors_and_lost_connections_through_its_sleep(slack, room):
    waits = []
    slack.fail_next("chat.postMessage", status=500, times=10)
    ours = make_client(TOKEN, slack.base_url, sleep=waits.append)
    assert refused(ours.chat_postMessage, channel=room, text="never").response.status_code == 500
    assert len(waits) == 3 and len(slack.calls_to("chat.postMessage")) == 4, "one try and three retries"
    nobody_there = make_client(TOKEN, f"http://127.0.0.1:{free_port()}/api/", sleep=waits.append)
    with pytest.raises(OSError):
        nobody_there.chat_postMessage(channel=room, text="never")
    assert len(waits) == 3 + 3


@pytest.mark.parametrize("status", [429, 500, None], ids=["rate-limited", "server-error", "gone"])
def test_a_stopping_process_cuts_the_bots_retries_short(slack, room, status):
    stop = Stop()
    stop.cut_waits()
    if status is None:
        ours = make_client(TOKEN, f"http://127.0.0.1:{free_port()}/api/", sleep=stop.sleep)
    else:
        slack.fail_next("chat.postMessage", status=status, times=10)
        ours = make_client(TOKEN, slack.base_url, sleep=stop.sleep)
    with pytest.raises(Stopping):
        ours.chat_postMessage(channel=room, text="never")
    assert len(slack.calls_to("chat.postMessage")) == (0 if status is None else 1), "tried once, never again"


def test_injected_faults_happen_before_any_effect(client, slack, room):
    slack.fail_next("chat.postMessage", status=500)
    assert refused(client.chat_postMessage, channel=room, text="lost").response.status_code == 500
    slack.fail_next("chat.postMessage", error="channel_not_found")
    assert error(client.chat_postMessage, channel=room, text="lost") == "channel_not_found"
    slack.fail_fraction(0.5, statuses=(429, 503), seed=3, methods={"chat.postMessage"})
    sent = 0
    for i in range(30):
        try:
            sent += client.chat_postMessage(channel=room, text=f"m{i}")["ok"]
        except SlackApiError as failure:
            assert failure.response.status_code in (429, 503)
    assert 0 < sent < 30 and len(slack.messages(room)) == sent
    assert len(slack.calls_to("chat.postMessage", ok=False)) == 32 - sent


def test_a_response_url_takes_five_posts_within_thirty_minutes(slack, clock):
    url = slack.response_url("cmd")
    post = lambda body: slackreq.post(url, json.dumps(body), {"Content-Type": "application/json"})[0]  # noqa: E731
    assert post({"text": "working…", "response_type": "ephemeral"}) == 200
    assert post({"blocks": [{"type": "section"}]}) == 400, "invalid blocks are refused"
    assert [post({"text": "done", "replace_original": True}) for _ in range(4)] == [200] * 4
    assert post({"delete_original": True}) == 404
    assert slack.responses("cmd")[1]["replace_original"] is True and len(slack.responses("cmd")) == 5
    later = slack.response_url("later")
    clock.now += 30 * 60 + 1
    assert slackreq.post(later, '{"text": "late"}', {"Content-Type": "application/json"})[0] == 404


def test_oauth_code_exchange_gives_a_token_that_works(slack):
    slack.configure_oauth("111.222", "s3cret")
    code = slack.issue_oauth_code("UPAULA", scopes=("chat:write", "commands"))
    anonymous = WebClient(base_url=slack.base_url)
    assert error(anonymous.oauth_v2_access, client_id="111.222", client_secret="wrong", code=code) == (
        "bad_client_secret"
    )
    installed = anonymous.oauth_v2_access(client_id="111.222", client_secret="s3cret", code=code)
    assert installed["team"]["id"] == "T0RELEASE" and installed["authed_user"]["id"] == "UPAULA"
    assert WebClient(base_url=slack.base_url, token=installed["access_token"]).auth_test()["user_id"] == "UBOT"
    assert error(anonymous.oauth_v2_access, client_id="111.222", client_secret="s3cret", code=code) == "invalid_code"


def test_bolt_starts_against_the_stand_in_and_wait_for_explains_a_timeout(slack):
    App(token=TOKEN, signing_secret="secret", client=WebClient(base_url=slack.base_url, token=TOKEN))
    assert slack.calls_to("auth.test", ok=True)
    with pytest.raises(AssertionError, match=r"waiting for a miracle; last calls: \['auth.test -> 200 ok'\]"):
        slack.wait_for(lambda: False, timeout=0.05, what="a miracle")


# -- requests as Slack sends them -----------------------------------------------------------------
def test_signature_matches_slacks_worked_example():
    body = (PAYLOADS / "slash_commands/docs_signing_example.form.txt").read_text()
    expected = json.loads((PAYLOADS / "slash_commands/docs_signing_example.headers.json").read_text())
    headers = slackreq.sign(body, expected["_signing_secret"], timestamp=1531420618)
    assert headers["X-Slack-Signature"] == expected["X-Slack-Signature"].strip()
    assert headers["X-Slack-Signature"].startswith("v0=a2114d57")
    assert headers["Content-Type"] == expected["Content-Type"]


def test_slash_command_fields_come_in_slacks_order():
    recorded = [k for k, _ in urllib.parse.parse_qsl((PAYLOADS / "slash_commands/bolt_python.form.txt").read_text())]
    common = dict(user_id="U1", channel_id="C1", channel_name="general", team_id="T1", response_url="u", trigger_id="t")
    grid = slackreq.slash_command_body("hi", **common, enterprise_id="E1", enterprise_name="Org")
    plain = slackreq.slash_command_body("new “X” & <@U2>", **common)
    assert [k for k, _ in urllib.parse.parse_qsl(grid)] == recorded
    assert [k for k, _ in urllib.parse.parse_qsl(plain)] == [k for k in recorded if not k.startswith("enterprise")]
    assert dict(urllib.parse.parse_qsl(plain))["text"] == "new “X” & <@U2>"


def test_events_and_interactions_are_shaped_like_the_recorded_ones():
    recorded = json.loads((PAYLOADS / "events/reaction_added.bolt_python_with_authorizations.json").read_text())
    inner = json.loads((PAYLOADS / "events/inner/reaction_added.docs_example.json").read_text())
    event = slackreq.reaction_event("eyes", user="U1", channel="C1", ts="1.2")
    envelope = json.loads(slackreq.event_body(event, team_id="T1"))
    assert list(event) == list(inner) and list(envelope["event"]["item"]) == list(inner["item"])
    expected = [k for k in recorded if k != "enterprise_id"] + ["is_ext_shared_channel", "event_context"]
    assert list(envelope) == expected and list(envelope["authorizations"][0]) == list(recorded["authorizations"][0])
    assert envelope["event_id"] != json.loads(slackreq.event_body(event, team_id="T1"))["event_id"]
    body = slackreq.interactivity_body({"type": "block_actions", "actions": [{"value": "a b&c"}]})
    assert json.loads(urllib.parse.parse_qs(body)["payload"][0])["actions"][0]["value"] == "a b&c"
    assert slackreq.sign(body, "s")["Content-Type"] == "application/x-www-form-urlencoded"


# -- files ----------------------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_files_upload_v2_shares_a_file_that_downloads_only_with_the_token(client, slack, room):
    client.conversations_join(channel=room)
    shared = client.files_upload_v2(channel=room, content=PNG, filename="week.png", title="Next 8 weeks",
                                    initial_comment="The week ahead")  # fmt: skip
    file_id = shared["files"][0]["id"]
    message = slack.channels[room]["messages"][-1]
    assert message["text"] == "The week ahead" and message["files"][0]["id"] == file_id
    assert [c.method for c in slack.calls if c.method.startswith("files.")][:2] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    url = client.files_info(file=file_id)["file"]["url_private"]
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as answer:
        assert answer.read() == PNG and answer.headers["Content-Type"] == "image/png"
    with urllib.request.urlopen(url) as anonymous:  # no token: Slack's sign-in page, not the file
        assert anonymous.headers["Content-Type"].startswith("text/html") and b"Sign in" in anonymous.read()


def test_an_upload_is_refused_until_its_bytes_arrive_and_needs_a_channel_the_bot_can_post_in(client, slack, room):
    ticket = client.files_getUploadURLExternal(filename="week.png", length=len(PNG))
    assert error(client.files_completeUploadExternal, files=[{"id": ticket["file_id"]}]) == "file_not_found"
    short = urllib.request.Request(ticket["upload_url"], data=PNG[:10], method="POST")
    with pytest.raises(urllib.error.HTTPError) as mismatch:
        urllib.request.urlopen(short)
    assert mismatch.value.code == 400
    with urllib.request.urlopen(urllib.request.Request(ticket["upload_url"], data=PNG, method="POST")) as sent:
        assert sent.read() == f"OK - {len(PNG)}".encode()
    private = client.conversations_create(name="rel-secret", is_private=True)["channel"]["id"]
    slack.channels[private]["members"].discard("UBOT")
    files = [{"id": ticket["file_id"]}]
    assert error(client.files_completeUploadExternal, files=files, channel_id=private) == "channel_not_found"
    assert error(client.files_getUploadURLExternal, filename="empty.png", length=0) == "missing_argument"
    client.conversations_join(channel=room)
    assert client.files_completeUploadExternal(files=files, channel_id=room)["files"][0]["id"] == ticket["file_id"]
    assert error(client.files_completeUploadExternal, files=files, channel_id=room) == "file_not_found", "once"


def test_files_need_their_scopes(clock):
    with SlackStandIn(clock=clock, scopes={"chat:write"}) as narrow:
        client = WebClient(base_url=narrow.base_url, token=TOKEN)
        assert error(client.files_getUploadURLExternal, filename="a.png", length=3) == "missing_scope"
        shared, _ = narrow.share_file("UBOT", narrow.world.add_channel("rel-x")["id"], "a.png", PNG)
        assert error(client.files_info, file=shared["id"]) == "missing_scope"
        request = urllib.request.Request(shared["url_private"], headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request) as answer:  # a token without files:read is sent to sign-in
            assert b"Sign in" in answer.read()
