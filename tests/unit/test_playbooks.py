from datetime import date
from pathlib import Path

import pytest

from bot.release.calendar import Calendar
from bot.release.playbooks import PlaybookError, lead_time_warnings, load_playbooks, plan_deliverables, working_lead

BUILT_IN = load_playbooks()


def by_key(playbook):
    return {d.key: d for d in playbook.deliverables}


def test_built_in_playbooks_follow_the_release_timeline():
    single, ep, album = BUILT_IN["single"], BUILT_IN["ep"], BUILT_IN["album"]
    assert len(single.deliverables) >= 10 and len(ep.deliverables) > len(single.deliverables)
    assert len(album.deliverables) > len(ep.deliverables) and album.min_lead_days > single.min_lead_days
    items = by_key(single)
    assert items["spotify-pitch"].offset_days == -7 and items["spotify-pitch"].hard
    assert "distributor-delivery" in items["spotify-pitch"].after
    assert set(items["distributor-delivery"].after) == {"master", "artwork", "metadata"}
    assert items["master"].offset_days == -42 and items["artwork"].offset_days == -42


def test_weekend_due_dates_move_to_the_friday_before():
    # A Sunday release: offsets land on Sundays.
    planned = plan_deliverables(BUILT_IN["single"], date(2027, 3, 14), Calendar())
    assert all(p.due.weekday() < 5 for p in planned)
    master = next(p for p in planned if p.key == "master")
    assert master.due == date(2027, 1, 29)  # Sun 31 Jan → Fri 29 Jan


def test_a_close_release_date_lists_what_is_already_at_risk():
    planned = plan_deliverables(BUILT_IN["single"], date(2027, 1, 22), Calendar())
    risky = lead_time_warnings(planned, today=date(2027, 1, 12))
    assert {"master", "distributor-delivery"} <= {p.key for p in risky}
    assert working_lead(BUILT_IN["single"], date(2027, 1, 22), today=date(2027, 1, 12), calendar=Calendar()) == (8, 30)


def write(folder: Path, name: str, body: str) -> Path:
    (folder / f"{name}.toml").write_text(body)
    return folder


ONE = """
[[deliverables]]
key = "{key}"
name = "Item"
team = "{team}"
offset_days = -7
after = {after}
"""


def playbook(items: str, name="mine") -> str:
    return f'name = "{name}"\ndescription = "x"\nmin_lead_days = 10\n' + items


def test_a_label_folder_overrides_and_extends(tmp_path):
    write(tmp_path, "single", playbook(ONE.format(key="only", team="A&R", after="[]"), name="single"))
    write(tmp_path, "remix", playbook(ONE.format(key="stems", team="A&R", after="[]"), name="remix"))
    loaded = load_playbooks(tmp_path)
    assert [d.key for d in loaded["single"].deliverables] == ["only"]
    assert "remix" in loaded and "album" in loaded


@pytest.mark.parametrize(
    "items, problem",
    [
        (ONE.format(key="a", team="sales", after="[]"), "unknown team “sales”"),
        (ONE.format(key="a", team="A&R", after='["ghost"]'), "unknown deliverable “ghost”"),
        (ONE.format(key="a", team="A&R", after="[]") * 2, "the key a is used twice"),
        (ONE.format(key="a", team="A&R", after='["b"]') + ONE.format(key="b", team="A&R", after='["a"]'), "cycle"),
        (ONE.format(key="Bad Key", team="A&R", after="[]"), "must be lowercase"),
        (ONE.format(key="a", team="A&R", after="[]").replace("-7", "-731"), "due more than 730 days before release"),
        (ONE.format(key="a", team="A&R", after="[]").replace("-7", "-99999999"), "due more than 730 days before"),
    ],
)
def test_broken_playbooks_are_refused_with_the_file_and_problem(tmp_path, items, problem):
    write(tmp_path, "broken", playbook(items))
    with pytest.raises(PlaybookError) as error:
        load_playbooks(tmp_path)
    assert "broken.toml" in str(error.value) and problem in str(error.value)
