from datetime import date

import pandas as pd

from transform.scoring.themes import barrier_counts, month_keys, stage_counts

ENTRIES = pd.DataFrame(
    [
        (date(2026, 1, 5), "tool_issues", "knowledge"),
        (date(2026, 1, 20), "tool_issues", "ability"),
        (date(2026, 3, 2), "workload", "knowledge"),
        (date(2026, 3, 9), "none", "reinforcement"),
    ],
    columns=["observed_on", "barrier", "observed_stage"],
)
MONTHS = ["2026-01", "2026-02", "2026-03"]
STAGES = ["awareness", "desire", "knowledge", "ability", "reinforcement"]


def test_month_keys_cover_the_range_inclusive():
    assert month_keys("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_barriers_are_counted_per_month_without_the_none_category():
    table = barrier_counts(ENTRIES, MONTHS)
    assert list(table.index) == ["tool_issues", "workload"]
    assert table.loc["tool_issues"].tolist() == [2, 0, 0]
    assert table.loc["workload"].tolist() == [0, 0, 1]


def test_stages_are_in_adkar_order_with_empty_rows():
    table = stage_counts(ENTRIES, MONTHS, STAGES)
    assert list(table.index) == STAGES
    assert table.loc["knowledge"].tolist() == [1, 0, 1]
    assert table.loc["awareness"].tolist() == [0, 0, 0]
    assert table.loc["reinforcement"].tolist() == [0, 0, 1]


def test_no_entries_give_empty_tables():
    empty = ENTRIES.iloc[0:0]
    assert barrier_counts(empty, MONTHS).empty
    assert stage_counts(empty, MONTHS, STAGES).to_numpy().sum() == 0
