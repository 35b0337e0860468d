"""The stats bench runs on a tiny data set, and its statement count does not grow with the releases."""

from bench.stats import measure


def test_stats_over_finished_releases_take_a_fixed_number_of_statements(tmp_path):
    few = measure(f"sqlite:///{tmp_path / 'few.db'}", releases=3, rounds=1)
    more = measure(f"sqlite:///{tmp_path / 'more.db'}", releases=12, rounds=1)
    assert few["statements"] == more["statements"] == 4
    assert more["blocks"] > 2
