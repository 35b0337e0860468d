"""The local Slack Web API stand-in the tests run against."""

from tests.standin.server import Call, SlackStandIn

__all__ = ["Call", "SlackStandIn"]
