"""Slack entry points. Each module exposes ``register(app, runtime)``; the app factory calls them."""

from slack_bolt import App

from bot.runtime.context import Runtime
from handlers import actions, brief, commands, events, failures, forms, reactions, suggestions


def register_all(app: App, runtime: Runtime) -> None:
    for module in (commands, reactions, events, actions, suggestions, brief, forms, failures):
        module.register(app, runtime)
