"""Barrier themes: how often each barrier and ADKAR stage is observed, month by month.

Entries whose barrier is "none" say nothing is holding the team back; they count in
the stage view but not in the barrier view.
"""

import pandas as pd

NO_BARRIER = "none"


def monthly_counts(entries: pd.DataFrame, column: str, months: list[str]) -> pd.DataFrame:
    """Counts of each value of `column` per month ("YYYY-MM"), months as columns.

    `entries` has an `observed_on` date column; values are rows, ordered by total count
    descending; months without entries are zero columns.
    """
    if entries.empty:
        return pd.DataFrame(index=pd.Index([], name=column), columns=months, dtype="int64")
    month = pd.to_datetime(entries["observed_on"]).dt.strftime("%Y-%m")
    table = pd.crosstab(entries[column], month).reindex(columns=months, fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    table.index.name = column
    table.columns.name = None
    return table.astype("int64")


def barrier_counts(entries: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Monthly counts per barrier category, leaving out entries with no barrier."""
    return monthly_counts(entries[entries["barrier"] != NO_BARRIER], "barrier", months)


def stage_counts(entries: pd.DataFrame, months: list[str], stage_order: list[str]) -> pd.DataFrame:
    """Monthly counts per observed ADKAR stage, in ADKAR order, zero rows included."""
    table = monthly_counts(entries, "observed_stage", months)
    return table.reindex(stage_order, fill_value=0).astype("int64")


def month_keys(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive, as "YYYY-MM"."""
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]
