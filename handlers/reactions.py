"""Reactions on checklist messages: ✅ marks done, ✋ claims; removing them undoes that.

A reaction that could matter is kept in the inbox and acknowledged at once; its work
(:mod:`bot.jobs.reactions`) runs right after. Slack's retries (``X-Slack-Retry-Num``) of a reaction
still in the inbox are refused there.
Reactions on any other message, by the bot, or with other emoji are acknowledged and dropped.
"""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot.jobs import reactions as jobs
from bot.release import deliverables
from bot.runtime.context import Runtime
from bot.runtime.intake import Kind

KIND = "reaction"
# A reaction nobody waits on an answer for: taken up again at up to three ticks before it is given up.
ROUNDS = 3


def register(app: App, runtime: Runtime) -> None:
    runtime.inbox.handles(KIND, Kind(work=lambda item: jobs.apply(runtime, item), rounds=ROUNDS))

    @app.event("reaction_added")
    def reaction_added(body: dict, event: dict, context: BoltContext) -> None:
        keep(runtime, body, event, context)

    @app.event("reaction_removed")
    def reaction_removed(body: dict, event: dict, context: BoltContext) -> None:
        keep(runtime, body, event, context)


def keep(runtime: Runtime, body: dict, event: dict, context: BoltContext) -> None:
    if jobs.reaction_name(event) not in deliverables.DONE_REACTIONS | deliverables.CLAIM_REACTIONS:
        return
    if (event.get("item") or {}).get("type") != "message" or event.get("user", "") == context.bot_user_id:
        return
    runtime.keep_event(KIND, body, context.team_id)
