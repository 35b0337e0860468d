"""The local Slack Web API stand-in the tests run against (see server.py)."""

from tests.support.standin.server import Call, SlackStandIn

__all__ = ["Call", "SlackStandIn"]
