"""``releasebot demo-data``: a label's year in the database, for trying the bot and for measuring it.

Releases spread over the coming year from the built-in playbooks, owners from the right teams,
claims, blockers, finished work and a year of activity. Everything is marked as already shown in
Slack (fake channel ids and message timestamps), so a bot started on demo data posts nothing
until something changes. Rows go in with bulk inserts: 1,000 releases take seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.release.calendar import calendar_of
from bot.release.playbooks import Playbook, plan_deliverables
from storage.db import session_scope
from storage.models import Activity, Blocker, Deliverable, Dependency, Ownership, Person, Release, Workspace

ARTISTS = ["Nova Lane", "The Quiet Harbours", "Kid Meridian", "Ada Sol", "Velvet Static", "Juno Park", "Marlow",
           "Saltwater Choir", "Lumen & Ash", "Tiny Giants", "Orla Fenn", "Northbound"]  # fmt: skip
WORDS = ["Midnight", "Drive", "Glass", "Summer", "Echoes", "Paper", "Hearts", "Static", "Gold", "River", "Neon",
         "Letters", "Satellite", "Blue", "Hours", "Wild", "Quiet", "Fire", "Ocean", "Runaway"]  # fmt: skip
TIMEZONES = ["Europe/Berlin", "Europe/London", "Europe/Berlin", "America/New_York", "Europe/Stockholm"]
PLAYBOOK_MIX = [("single", 1), ("ep", 2), ("album", 7)]  # about 30 deliverables a release on average
BLOCK_REASONS = ["waiting on the mix notes", "artist has not approved the cover", "ISRCs not issued yet",
                 "photographer rescheduled", "label copy missing credits", "budget sign-off pending"]  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    team: str
    tz: str


def people(count: int = 14) -> list[DemoPerson]:
    teams = ["A&R", "creative", "distribution", "marketing", "PR", "artist"]
    return [DemoPerson(f"UDEMO{i:04d}", teams[i % len(teams)], TIMEZONES[i % len(TIMEZONES)]) for i in range(count)]


def fill(
    engine: Engine,
    playbooks: dict[str, Playbook],
    *,
    releases: int,
    team_id: str = "T0RELEASE",
    today: date,
    seed: int = 7,
) -> dict[str, int]:
    """Insert ``releases`` active releases (and their history) for ``team_id``; returns row counts."""
    rng = random.Random(seed)
    crew = people()
    pms = [p for p in crew if p.team in {"marketing", "A&R"}]
    now = datetime.combine(today, time(9), UTC)
    counts = {"releases": 0, "deliverables": 0, "blockers": 0, "activity": 0}
    with session_scope(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.team_id == team_id)).first()
        if workspace is None:
            workspace = Workspace(team_id=team_id, timezone="Europe/Berlin", created_at=now)
            session.add(workspace)
        calendar = calendar_of(workspace)
        existing = set(session.exec(select(Person.user_id).where(Person.team_id == team_id)))
        session.add_all(
            Person(
                team_id=team_id,
                user_id=p.user_id,
                name=p.user_id.lower(),
                tz=p.tz,
                fetched_at=now + timedelta(days=3650),
            )
            for p in crew
            if p.user_id not in existing
        )
        start = session.exec(select(func.count()).select_from(Release)).one()
    for chunk in _chunks(range(releases), 100):
        with session_scope(engine) as session:
            for number in chunk:
                _one_release(session, rng, playbooks, calendar, crew, pms, team_id, start + number, today, now, counts)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a database that grew slowly would have
    return counts


def _chunks(items, size: int) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _one_release(session, rng, playbooks, calendar, crew, pms, team_id, number, today, now, counts) -> None:
    name = rng.choices([n for n, _ in PLAYBOOK_MIX], weights=[w for _, w in PLAYBOOK_MIX])[0]
    playbook = playbooks[name]
    release_date = today + timedelta(days=rng.randint(14, 365))
    release_date += timedelta(days=(4 - release_date.weekday()) % 7)  # a Friday
    pm = rng.choice(pms)
    channel = f"CDEMO{number:06d}"
    release = Release(
        team_id=team_id, title=" ".join(rng.sample(WORDS, 2)), artist=rng.choice(ARTISTS),
        release_date=release_date, playbook=name, timezone=rng.choice(TIMEZONES[:3]), pm_id=pm.user_id,
        created_by=pm.user_id, team_members=[p.user_id for p in rng.sample(crew, 5)], channel_id=channel,
        channel_name=f"rel-{release_date.isoformat()}-demo-{number}", overview_ts=f"1690000000.{number:06d}",
        created_at=now - timedelta(days=rng.randint(30, 365)), updated_at=now,
    )  # fmt: skip
    session.add(release)
    session.flush()
    counts["releases"] += 1
    planned = plan_deliverables(playbook, release_date, calendar)
    rows = []
    for item in planned:
        owners = [p for p in crew if p.team == item.team] or crew
        owned = rng.random() < 0.8
        done = item.due < today and rng.random() < 0.85
        rows.append(
            {
                "team_id": team_id, "release_id": release.id, "key": item.key, "name": item.name, "team": item.team,
                "description": item.description, "position": item.position, "offset_days": item.offset_days,
                "due_date": item.due, "due_pinned": False, "hard": item.hard,
                "state": "done" if done else "open", "owner_id": rng.choice(owners).user_id if owned or done else None,
                "done_by": None, "done_at": None, "channel_id": channel,
                "message_ts": f"17{number:06d}.{item.position:06d}", "version": 1, "rendered_version": 1,
                "updated_at": now,
            }
        )  # fmt: skip
        if done:
            rows[-1]["done_by"] = rows[-1]["owner_id"]
            rows[-1]["done_at"] = datetime.combine(item.due, time(15), UTC)
    ids = session.execute(insert(Deliverable).returning(Deliverable.id, Deliverable.key), rows).all()
    by_key = {key: id_ for id_, key in ids}
    counts["deliverables"] += len(rows)
    deps = [
        {"team_id": team_id, "deliverable_id": by_key[p.key], "depends_on_id": by_key[a]}
        for p in planned
        for a in p.after
    ]
    if deps:
        session.execute(insert(Dependency), deps)
    claims, activity, blockers = [], [], []
    for row in rows:
        if row["owner_id"]:
            claim = {"team_id": team_id, "deliverable_id": by_key[row["key"]], "user_id": row["owner_id"],
                     "assigned_by": pm.user_id, "claimed_at": release.created_at}  # fmt: skip
            claims.append(claim)
            activity.append(_logged(claim, release.id, row["owner_id"], "claimed", claim["claimed_at"]))
        if row["state"] == "done":
            done = {"team_id": team_id, "deliverable_id": by_key[row["key"]]}
            activity.append(_logged(done, release.id, row["done_by"], "done", row["done_at"]))
        elif row["owner_id"] and rng.random() < 0.04:
            blocker = {"team_id": team_id, "deliverable_id": by_key[row["key"]], "reason": rng.choice(BLOCK_REASONS),
                       "raised_by": row["owner_id"], "raised_at": now - timedelta(days=rng.randint(0, 9))}  # fmt: skip
            blockers.append(blocker)
            activity.append(_logged(blocker, release.id, row["owner_id"], "blocked", blocker["raised_at"]))
    activity.append(
        _logged(
            {"team_id": team_id, "deliverable_id": None}, release.id, pm.user_id, "release_created", release.created_at
        )
    )
    for table, batch in ((Ownership, claims), (Activity, activity), (Blocker, blockers)):
        if batch:
            session.execute(insert(table), batch)
    counts["blockers"] += len(blockers)
    counts["activity"] += len(activity)


def _logged(row: dict, release_id: int, actor: str, action: str, at: datetime) -> dict:
    """An activity-log row for something the demo data did."""
    return {"team_id": row["team_id"], "release_id": release_id, "deliverable_id": row["deliverable_id"],
            "actor_id": actor, "action": action, "detail": {"demo": True}, "at": at}  # fmt: skip
