"""What handlers share: the database, the services actions need, the background runner, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy.engine import Engine

from bot.background import Background
from bot.dispatch import Services
from bot.followup import FollowUp
from bot.people import Directory
from bot.sender import Sender
from bot.ticker import Ticker


@dataclass
class Runtime:
    engine: Engine
    sender: Sender
    directory: Directory
    services: Services
    followup: FollowUp
    background: Background
    ticker: Ticker
    clock: Callable[[], datetime]
    # Multi-workspace mode only: where OAuth installs are kept (None with a single bot token).
    installation_store: SQLAlchemyInstallationStore | None = None
