import pytest

from transform.scoring.impact import Level, impact_degree, impact_level


def test_degree_is_the_mean_score_as_a_share_of_the_maximum():
    assert impact_degree({"processes": 5, "systems": 5}) == 100.0
    assert impact_degree({"processes": 5, "systems": 0}) == 50.0
    assert impact_degree({"processes": 1, "systems": 2, "skills": 3}) == pytest.approx(40.0)


def test_nothing_assessed_has_no_degree():
    assert impact_degree({}) is None


def test_scores_outside_0_to_5_are_refused():
    with pytest.raises(ValueError, match="scores run 0 to 5"):
        impact_degree({"processes": 6})


@pytest.mark.parametrize(
    ("degree", "level"),
    [
        (0, Level.LOW),
        (33.9, Level.LOW),
        (34, Level.MEDIUM),
        (66.9, Level.MEDIUM),
        (67, Level.HIGH),
        (100, Level.HIGH),
    ],
)
def test_levels_follow_the_documented_bands(degree, level):
    assert impact_level(degree) == level
