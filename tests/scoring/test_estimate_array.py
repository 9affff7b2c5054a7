import pickle

import numpy as np
import pandas as pd
import pytest

from transform.scoring.estimate import Estimate
from transform.scoring.estimate_array import ONE_RESPONDENT, EstimateArray

EMPTY = "no responses"
EXPECTED = [
    Estimate.missing(EMPTY),
    Estimate(3.5, n=1, reason=ONE_RESPONDENT),
    Estimate(2.25, 1.5, 3.0, 4),
]


def means() -> EstimateArray:
    return EstimateArray.means(
        np.array([0, 1, 4]),
        np.array([np.nan, 3.5, 2.25]),
        np.array([np.nan, np.nan, 1.5]),
        np.array([np.nan, np.nan, 3.0]),
        EMPTY,
    )


def frame() -> pd.DataFrame:
    return pd.DataFrame({"n": [0, 1, 4], "mean": means()}, index=pd.Index([7, 8, 9]))


def test_means_read_back_as_the_estimates_of_their_counts():
    assert list(means()) == EXPECTED
    assert means()[2] == EXPECTED[2] and means()[-1] == EXPECTED[2]


def test_proportions_have_no_value_without_a_count():
    shares = EstimateArray.proportions(
        np.array([0.0, 5.0]),
        np.array([0.0, 40.0]),
        np.array([0.0, 10.0]),
        np.array([0.0, 80.0]),
        EMPTY,
    )
    assert list(shares) == [Estimate.missing(EMPTY), Estimate(40.0, 10.0, 80.0, 5)]
    assert type(shares[1].n) is int


def test_every_way_of_reading_a_frame_gives_estimates():
    data = frame()
    assert data.loc[9, "mean"] == EXPECTED[2]
    assert data.loc[8].to_dict() == {"n": 1, "mean": EXPECTED[1]}
    assert data.to_dict("index")[7]["mean"] == EXPECTED[0]
    assert [row["mean"] for _, row in data.iterrows()] == EXPECTED
    assert data["mean"].astype(object).tolist() == EXPECTED
    assert data["mean"].tolist() == EXPECTED


def test_rows_can_be_picked_and_added_like_an_object_column():
    data = frame()
    assert data[data.index.isin([7, 9])]["mean"].tolist() == [EXPECTED[0], EXPECTED[2]]
    wider = data.reindex([9, 10])
    assert wider.loc[9, "mean"] == EXPECTED[2]
    assert pd.isna(wider.loc[10, "mean"])
    assert pd.concat([data, data])["mean"].tolist() == EXPECTED * 2


def test_a_frame_of_estimates_survives_pickling():
    data = pickle.loads(pickle.dumps(frame()))
    assert data["mean"].tolist() == EXPECTED
    assert pickle.loads(pickle.dumps(data.loc[9, "mean"])) == EXPECTED[2]


def test_only_estimates_fit_in_the_array():
    assert list(EstimateArray._from_sequence([EXPECTED[1], None])) == [EXPECTED[1], np.nan]
    with pytest.raises(TypeError, match="not an Estimate"):
        EstimateArray._from_sequence([1.0])
