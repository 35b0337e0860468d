"""The local Slack Web API stand-in the tests run against (see server.py)."""

from tests.standin.server import Call, SlackStandIn

__all__ = ["Call", "SlackStandIn"]
