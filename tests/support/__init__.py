"""Helpers every test layer shares: the harness, signed requests, the Slack stand-in, a release's story."""
