"""Slack entry points. Each module exposes ``register(app, runtime)``; the app factory calls them."""

from slack_bolt import App

from handlers import actions, commands, errors, events, forms, reactions
from handlers.runtime import Runtime


def register_all(app: App, runtime: Runtime) -> None:
    for module in (commands, reactions, events, actions, forms, errors):
        module.register(app, runtime)
