"""Slack's side of Socket Mode: the WebSocket the app connects out to, instead of Slack posting to it.

``apps.connections.open`` (with an app-level token this registers) hands out this server's address;
the server greets with ``hello``, sends envelopes (``slash_commands``, ``events_api``, ``interactive``)
and collects the app's acknowledgements, each of which must name the envelope it answers.
"""

from __future__ import annotations

import json
import secrets
import threading

from websockets.sync.server import ServerConnection, serve

from tests.support.standin.server import SlackStandIn
from tests.support.standin.state import APP_ID

ACK_SECONDS = 3.0  # Slack's acknowledgement window, as for HTTP requests


class SocketModeSlack:
    def __init__(self, standin: SlackStandIn, app_token: str):
        self._standin = standin
        self._app_token = app_token
        self._server = serve(self._session, "127.0.0.1", 0)
        self._connection: ServerConnection | None = None
        self._connected = threading.Event()
        self._acks: dict[str, dict] = {}
        self._acked = threading.Condition()

    def __enter__(self) -> SocketModeSlack:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        host, port = self._server.socket.getsockname()[:2]
        with self._standin._lock:
            self._standin.world.app_tokens.add(self._app_token)
            self._standin.world.socket_url = f"ws://{host}:{port}/link/"
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()

    def send(self, kind: str, payload: dict, *, accepts_response_payload: bool = True) -> dict:
        """Send one envelope and return the app's acknowledgement (failing after Slack's 3 s)."""
        envelope_id = secrets.token_hex(8)
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self.send_frame(json.dumps(envelope))
        return self.ack_for(envelope_id, what=kind)

    def send_frame(self, text: str) -> None:
        """Send any text frame, well-formed or not."""
        assert self._connected.wait(5), "the app never connected"
        self._connection.send(text)

    def ack_for(self, envelope_id: str, *, what: str = "an envelope") -> dict:
        with self._acked:
            if not self._acked.wait_for(lambda: envelope_id in self._acks, timeout=ACK_SECONDS):
                raise AssertionError(f"no acknowledgement for {what} within {ACK_SECONDS}s")
            return self._acks.pop(envelope_id)

    def _session(self, connection: ServerConnection) -> None:
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}}
        connection.send(json.dumps(hello))
        self._connection = connection
        self._connected.set()
        for message in connection:
            ack = json.loads(message)
            with self._acked:
                self._acks[ack["envelope_id"]] = ack
                self._acked.notify_all()
