"""One Slack API address in front of several stand-ins, one per workspace, as Slack is one service for all.

A request goes to the stand-in whose workspace its token belongs to; ``oauth.v2.access``, which
carries client credentials instead, goes to the stand-in that issued its ``code``. A token no
workspace knows gets Slack's ``invalid_auth``, as a revoked or made-up token would.
"""

from __future__ import annotations

import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from tests.support.standin.server import STOP_POLL_SECONDS, SlackStandIn, _Answer, _handler_for


class Workspaces:
    def __init__(self, *standins: SlackStandIn):
        self.standins = standins
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/api/"
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Workspaces:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(STOP_POLL_SECONDS,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def answer(self, verb: str, path: str, query: str, body: bytes, headers) -> _Answer:
        arguments = _form(query, body, headers)
        token, code = _token(arguments, headers), arguments.get("code")
        for standin in self.standins:
            with standin._lock:
                owns = token in standin.world.tokens or code in standin.world.oauth["grants"]
            if owns:
                return standin.answer(verb, path, query, body, headers)
        return _Answer(200, {"ok": False, "error": "invalid_auth"})


def _form(query: str, body: bytes, headers) -> dict:
    arguments = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
    if headers.get("Content-Type", "").startswith("application/json"):
        return arguments
    return arguments | {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}


def _token(arguments: dict, headers) -> str:
    bearer = headers.get("Authorization", "")
    return bearer.removeprefix("Bearer ").strip() if bearer.startswith("Bearer ") else arguments.get("token", "")
