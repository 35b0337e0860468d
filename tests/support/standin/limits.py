"""Slack's rate limits and injected failures, decided before a call may touch the world.

Both are off until a test turns them on, so ordinary tests stay fast. A refused call
changes nothing: every limit is checked before any of them is charged.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict, deque
from dataclasses import dataclass

# docs.slack.dev rate limits: "Tier 1: 1+ per minute" ... "Tier 4: 100+ per minute"; Tier 5 is "special".
TIER_PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}
WINDOW_SECONDS = 60.0
FAULT_RETRY_AFTER = 1


class Refusal(Exception):
    """A call answered without running: HTTP 429 (with Retry-After), a 5xx page, or a planned ``ok: false``."""

    def __init__(self, status: int = 200, *, retry_after: int | None = None, error: str | None = None):
        super().__init__(error or status)
        self.status, self.retry_after, self.error = status, retry_after, error


def refusal_for(status: int) -> Refusal:
    return Refusal(status, retry_after=FAULT_RETRY_AFTER if status == 429 else None)


@dataclass(frozen=True)
class RateLimits:
    per_channel_per_sec: float
    burst: int
    workspace_per_minute: int | None
    workspace_burst: int
    tiers: bool


class RateLimiter:
    """chat.postMessage: token buckets per channel (about 1/s, small burst) and, optionally, for the
    whole workspace; with ``tiers``, every other method's per-minute tier budget (a sliding minute)."""

    def __init__(self, clock):
        self.clock = clock
        self.limits: RateLimits | None = None
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._windows: dict[str, deque[float]] = defaultdict(deque)  # key -> call times in the last minute

    def configure(self, limits: RateLimits | None) -> None:
        self.limits = limits
        self._buckets.clear()
        self._windows.clear()

    def admit(self, method: str, tier: str, channel_key: str) -> None:
        """Raise a 429 Refusal, or charge every limit that applies to this call."""
        limits = self.limits
        if limits is None:
            return
        now = self.clock()
        buckets: list[tuple[str, float, int]] = []  # (key, tokens per second, capacity)
        windows: list[tuple[str, int]] = []  # (key, calls per minute)
        if method == "chat.postMessage":
            buckets.append((f"channel:{channel_key}", limits.per_channel_per_sec, limits.burst))
            if limits.workspace_per_minute:
                buckets.append(("workspace", limits.workspace_per_minute / 60, limits.workspace_burst))
        elif limits.tiers and tier in TIER_PER_MINUTE:
            windows.append((f"tier:{method}", TIER_PER_MINUTE[tier]))
        for key, rate, capacity in buckets:
            tokens = self._level(key, rate, capacity, now)
            if tokens < 1:
                raise Refusal(429, retry_after=max(1, math.ceil((1 - tokens) / rate)))
        for key, allowed in windows:
            recent = self._recent(key, now)
            if len(recent) >= allowed:
                raise Refusal(429, retry_after=max(1, math.ceil(recent[0] + WINDOW_SECONDS - now)))
        for key, rate, capacity in buckets:
            self._buckets[key] = (self._level(key, rate, capacity, now) - 1, now)
        for key, _allowed in windows:
            self._windows[key].append(now)

    def _level(self, key: str, rate: float, capacity: int, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(capacity), now))
        return min(float(capacity), tokens + (now - at) * rate)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._windows[key]
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        return recent


class Faults:
    """Failures on purpose: planned ones for a method, and a seeded share of all calls."""

    def __init__(self):
        self.share = 0.0
        self.statuses: tuple[int, ...] = ()
        self.methods: frozenset[str] | None = None
        self.rng = random.Random(0)
        self.planned: dict[str, deque[Refusal]] = defaultdict(deque)

    def plan(self, method: str, refusal: Refusal, times: int) -> None:
        self.planned[method].extend([refusal] * times)

    def check(self, method: str) -> None:
        if self.planned[method]:
            raise self.planned[method].popleft()
        if self.share and (self.methods is None or method in self.methods) and self.rng.random() < self.share:
            raise refusal_for(self.rng.choice(self.statuses))
