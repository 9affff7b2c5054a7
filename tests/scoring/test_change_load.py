from datetime import date

import pytest

from transform.scoring.change_load import (
    DEFAULT_CAPACITY,
    LEVEL_POINTS,
    Band,
    Change,
    add_months,
    band,
    change_load,
    window,
)

JAN = date(2026, 1, 1)


def _change(team_id=1, programme_id=1, go_live_on=None, degree=None, level="medium", **dates):
    return Change(
        team_id=team_id,
        programme_id=programme_id,
        go_live_on=go_live_on,
        starts_on=dates.get("starts_on", date(2026, 1, 5)),
        ends_on=dates.get("ends_on", date(2026, 12, 18)),
        degree=degree,
        level=level,
    )


def _points(grid, team_id=1) -> list[int]:
    row = next(row for row in grid.rows if row.team_id == team_id)
    return [cell.points for cell in row.cells]


def test_a_go_live_hits_two_months_before_to_one_after():
    change = _change(go_live_on=date(2026, 4, 15), degree=60.0)
    grid = change_load([change], {1: None}, JAN, 6)
    #                      Jan Feb Mar Apr May Jun
    assert _points(grid) == [0, 60, 60, 60, 60, 0]


def test_without_a_go_live_the_change_hits_the_programme_span():
    change = _change(level="low", starts_on=date(2026, 2, 27), ends_on=date(2026, 4, 1))
    grid = change_load([change], {1: None}, JAN, 6)
    assert _points(grid) == [0, 20, 20, 20, 0, 0]


@pytest.mark.parametrize(("level", "points"), [("low", 20), ("medium", 50), ("high", 80)])
def test_an_unassessed_change_takes_its_levels_default(level, points):
    assert LEVEL_POINTS[level] == points
    grid = change_load([_change(level=level)], {1: None}, JAN, 1)
    assert _points(grid) == [points]


@pytest.mark.parametrize(("degree", "points"), [(0.0, 0), (33.4, 33), (66.5, 67), (100.0, 100)])
def test_an_assessed_change_counts_its_degree_in_whole_points(degree, points):
    grid = change_load([_change(degree=degree, level="high")], {1: None}, JAN, 1)
    assert _points(grid) == [points]


def test_changes_from_several_programmes_add_up_in_a_month():
    changes = [
        _change(programme_id=1, go_live_on=date(2026, 3, 10), degree=60.0),
        _change(programme_id=2, go_live_on=date(2026, 5, 31), level="medium"),
        _change(programme_id=3, level="low"),  # the whole year
    ]
    grid = change_load(changes, {1: None}, JAN, 8)
    # p1 hits Jan-Apr (60), p2 Mar-Jun (50), p3 every month (20).
    #                      Jan Feb  Mar  Apr May Jun Jul Aug
    assert _points(grid) == [80, 80, 130, 130, 70, 70, 20, 20]
    march = grid.rows[0].cells[2]
    assert [(c.programme_id, c.points) for c in march.contributions] == [(1, 60), (2, 50), (3, 20)]
    assert march.contributions[1].go_live_on == date(2026, 5, 31)
    assert [cell.band for cell in grid.rows[0].cells] == [
        Band.BUSY,
        Band.BUSY,
        Band.SATURATED,
        Band.SATURATED,
        Band.BUSY,
        Band.BUSY,
        Band.FINE,
        Band.FINE,
    ]
    assert (march.percent, grid.rows[0].saturated_months) == (130, 2)
    assert (grid.saturated_cells, grid.saturated_teams, grid.busy_cells) == (2, 1, 4)
    assert grid.rows[0].peak.month == date(2026, 3, 1)


def test_capacity_defaults_to_100_and_a_teams_own_capacity_is_used():
    changes = [_change(team_id=1, level="high"), _change(team_id=2, level="high")]
    grid = change_load(changes, {1: None, 2: 160}, JAN, 1)
    default, own = grid.rows
    assert DEFAULT_CAPACITY == 100
    assert (default.capacity, default.capacity_is_default) == (100, True)
    assert (own.capacity, own.capacity_is_default) == (160, False)
    assert (default.cells[0].band, default.cells[0].percent) == (Band.BUSY, 80)
    assert (own.cells[0].band, own.cells[0].percent) == (Band.FINE, 50)


@pytest.mark.parametrize(
    ("points", "capacity", "expected"),
    [
        (0, 100, Band.EMPTY),
        (69, 100, Band.FINE),
        (70, 100, Band.BUSY),
        (100, 100, Band.BUSY),
        (101, 100, Band.SATURATED),
        (90, 130, Band.FINE),  # 69.2%
        (91, 130, Band.BUSY),  # exactly 70%, with no rounding error
        (7, 10, Band.BUSY),
        (11, 10, Band.SATURATED),
    ],
)
def test_bands(points, capacity, expected):
    assert band(points, capacity) is expected


def test_rows_hold_only_teams_hit_within_the_window_in_the_given_order():
    changes = [
        _change(team_id=3, go_live_on=date(2026, 2, 1), degree=50.0),
        _change(team_id=1, go_live_on=date(2026, 2, 1), degree=50.0),
        # Hits Jun-Sep: outside a Jan-Apr window.
        _change(team_id=2, go_live_on=date(2026, 8, 1), degree=50.0),
    ]
    grid = change_load(changes, {1: None, 2: None, 3: None}, JAN, 4)
    assert [row.team_id for row in grid.rows] == [1, 3]


def test_teams_left_out_of_the_mapping_are_left_out_of_the_grid():
    changes = [_change(team_id=1), _change(team_id=2)]
    grid = change_load(changes, {2: None}, JAN, 1)
    assert [row.team_id for row in grid.rows] == [2]


@pytest.mark.parametrize(
    ("go_live_on", "expected"),
    [
        # A go-live a month before the window still hits its first month (embedding).
        (date(2025, 12, 31), [50, 0, 0]),
        (date(2025, 11, 30), None),
        # A go-live two months after the window's end is prepared in its last month.
        (date(2026, 5, 1), [0, 0, 50]),
        (date(2026, 6, 1), None),
    ],
)
def test_window_boundaries(go_live_on, expected):
    grid = change_load([_change(go_live_on=go_live_on)], {1: None}, JAN, 3)
    assert (_points(grid) if grid.rows else None) == expected


def test_a_change_spanning_years_and_leap_days():
    change = _change(go_live_on=date(2028, 2, 29), degree=40.0)
    grid = change_load([change], {1: None}, date(2027, 11, 15), 6)
    assert grid.months[0] == date(2027, 11, 1) and grid.months[-1] == date(2028, 4, 1)
    #                      Nov Dec Jan Feb Mar Apr
    assert _points(grid) == [0, 40, 40, 40, 40, 0]


def test_months_arithmetic():
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 1)
    assert window(date(2026, 12, 24), 3) == (date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))
    with pytest.raises(ValueError, match="at least one month"):
        window(JAN, 0)


def test_no_changes_give_no_rows():
    grid = change_load([], {1: None}, JAN, 12)
    assert grid.rows == () and len(grid.months) == 12
    assert (grid.saturated_cells, grid.saturated_teams) == (0, 0)
