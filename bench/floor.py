"""The framework's floor: a Bolt app that only acks, served exactly like Releasebot (waitress, same threads)."""

from __future__ import annotations

import os

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime.server import make_server


def floor_app() -> App:
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,  # as Releasebot runs it
    )

    @app.command("/release")
    def ack_only(ack) -> None:
        ack()

    @app.event("reaction_added")
    def ignore(ack) -> None:
        ack()

    return app


if __name__ == "__main__":
    from sqlalchemy import create_engine

    from bot.runtime.config import Config

    threads = int(os.environ.get("WEB_THREADS", Config.model_fields["web_threads"].default))
    server = make_server(
        floor_app(),
        create_engine("sqlite://"),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        port=int(os.environ["PORT"]),
        threads=threads,
    )
    server.run()
